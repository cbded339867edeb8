"""Alerts: the pack's alert policy, the message formats and signatures of every sink, the outbox
(one alert per finding, across restarts; bursts summarised) and delivery with retries, dead
letters and a real SMTP conversation.

The receivers are real servers on 127.0.0.1 (``http.server`` and a small SMTP server written
with ``socketserver``) and the outbox lives in SQLite and the real PostgreSQL server.
"""

from __future__ import annotations

import pytest

from audit.rules import PackError, load_pack

# -- the pack's alert policy ----------------------------------------------------------------------


def test_default_pack_alerts_on_critical_findings_and_keeps_its_version():
    pack = load_pack()
    assert pack.alerts.matches("critical", "ABUSE")
    assert not pack.alerts.matches("high", "ABUSE")
    assert pack.alerts.burst_per_minute == 10
    # the alert policy is no part of the version: the golden scan still pins the same pack
    import json
    from pathlib import Path

    golden = Path(__file__).parent / "rules" / "data" / "golden_scan.json"
    assert json.loads(golden.read_text(encoding="utf-8"))["pack_version"] == pack.version


def test_client_pack_sets_or_inherits_the_alert_policy(tmp_path):
    own = tmp_path / "own.yaml"
    own.write_text("name: own\nextends: default\nalerts:\n  severities: [critical, high]\n"
                   "  categories: [THREAT_VIOLENCE]\n  burst_per_minute: 3\n", encoding="utf-8")
    pack = load_pack(own)
    assert pack.alerts.matches("high", "ABUSE") and pack.alerts.matches("low", "THREAT_VIOLENCE")
    assert not pack.alerts.matches("medium", "ABUSE") and pack.alerts.burst_per_minute == 3
    assert pack.version == load_pack().version  # same rules, same parameters: nothing re-audited

    inherits = tmp_path / "inherits.yaml"
    inherits.write_text("name: child\nextends: own.yaml\n", encoding="utf-8")
    assert load_pack(inherits).alerts == pack.alerts


@pytest.mark.parametrize("section, words", [
    ("alerts:\n  severities: [urgent]\n", "field alerts.severities.0"),
    ("alerts:\n  categories: [SHOUTING]\n", "field alerts.categories.0"),
    ("alerts:\n  burst_per_minute: 0\n", "field alerts.burst_per_minute"),
    ("alerts:\n  sevrities: [critical]\n", "unknown field"),
])
def test_a_bad_alert_policy_names_the_field(tmp_path, section, words):
    path = tmp_path / "bad.yaml"
    path.write_text("name: bad\nextends: default\n" + section, encoding="utf-8")
    with pytest.raises(PackError, match=words) as info:
        load_pack(path)
    assert "bad.yaml" in str(info.value)
