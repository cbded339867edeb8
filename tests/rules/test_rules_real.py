"""The rule pack on real collectors' words (tests/rules/data/real, verbatim public lines).

The thresholds pin what was measured when the split was frozen and the rules were grounded in
the training half, so a change that loses real-language recall, or starts flagging real lawful
lines, fails here. The test half was never tuned on: see its README.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.rules import load_pack
from audit.rules.labelled import read_labelled
from audit.rules.loader import PACKS_DIR

REAL = Path(__file__).with_name("data") / "real"


def _judge(pack, path):
    lines = read_labelled(path)
    caught = violations = flagged = compliant = 0
    for line in lines:
        found = {f.category for f in pack.scan_text(line.text, role="agent", contact_role=line.contact_role)
                 if not f.details.get("suspected")}
        if line.category == "COMPLIANT":
            compliant += 1
            flagged += bool(found)
        else:
            violations += 1
            caught += line.category in found
    return caught / violations, flagged / compliant


@pytest.mark.parametrize("split, min_caught, max_flagged", [
    ("train.jsonl", 0.70, 0.02),   # tuned on: 61/87, 3/175 (a bank's guarantor notice, a rent template, …)
    ("test.jsonl", 0.47, 0.011),   # frozen, never tuned on: 25/53, 1/96 when measured
])
def test_real_language(split, min_caught, max_flagged):
    caught, flagged = _judge(load_pack(), REAL / split)
    assert caught >= min_caught and flagged <= max_flagged, (caught, flagged)


def test_every_real_line_names_its_source():
    for split in ("train.jsonl", "test.jsonl"):
        import json

        for n, raw in enumerate((REAL / split).read_text(encoding="utf-8").splitlines(), 1):
            row = json.loads(raw)
            assert row["source_url"] and row["text"], f"{split}:{n}"


def test_second_opinion_pack_only_suspects():
    pack = load_pack(PACKS_DIR / "second-opinion.yaml")
    # a real test line no rule catches: the model suspects it (review queue), it is not reported
    line = "行,你等著,我讓你過個好年,讓你爸你媽你姐都過個好年!"
    found = pack.scan_text(line, role="agent", contact_role="debtor")
    model = [f for f in found if f.detector == "model"]
    assert [f.category for f in model] == ["THREAT_VIOLENCE"]
    assert model[0].details["suspected"] and 0.4 <= model[0].confidence < 0.99
    assert not load_pack().scan_text(line, role="agent", contact_role="debtor")
