"""Collector voiceprints (issue 11): profiles, outlier rejection, storage, removal, admin-only CLI,
and findings attributed to the collector whose voice said them."""

from __future__ import annotations

import io
import sys

import numpy as np
import pytest

from audit import voiceprints
from audit.auth import add_user
from audit.schema import Finding, Segment
from audit.storage import init_db, make_engine, session
from audit.voiceprints import Chunk, Profile, add_chunks, reject_outliers


def _voice(seed: int, n: int = 256) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=n)
    return v / np.linalg.norm(v)


def _near(base: np.ndarray, seed: int, noise: float = 0.3) -> list[float]:
    v = base + noise * _voice(seed) / np.sqrt(2)
    return (v / np.linalg.norm(v)).tolist()


def test_a_call_where_someone_else_used_the_seat_is_rejected():
    me, other = _voice(1), _voice(2)
    chunks = [Chunk(_near(me, 10 + i), 20.0, f"c{i}") for i in range(4)] + [Chunk(_near(other, 99), 20.0, "x")]
    reject_outliers(chunks)
    assert [c.source for c in chunks if not c.kept] == ["x"]
    profile = Profile("V1", chunks)
    assert profile.ready and profile.speech_s == 80.0
    assert float(profile.centroid() @ me) > 0.9


def test_two_stretches_cannot_be_told_apart_and_short_ones_are_not_enrolled():
    me, other = _voice(1), _voice(2)
    profile = add_chunks(Profile("V1"), [Chunk(_near(me, 3), 20.0, "a"), Chunk(_near(other, 4), 20.0, "b"),
                                         Chunk(_near(me, 5), 3.0, "short")])
    assert [c.source for c in profile.chunks] == ["a", "b"] and all(c.kept for c in profile.chunks)


def test_store_load_update_and_remove_erases(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'v.db'}")
    init_db(engine)
    me = _voice(1)
    with session(engine) as s:
        voiceprints.enroll(s, "V301", [Chunk(_near(me, i), 15.0, f"call-{i}") for i in range(2)])
        s.commit()
    with session(engine) as s:
        voiceprints.enroll(s, "V301", [Chunk(_near(me, 7), 15.0, "call-7"), Chunk(_near(me, 8), 15.0, "call-0")])
        s.commit()
        (summary,) = voiceprints.summaries(s)
        assert summary["n_calls"] == 3 and summary["speech_s"] == 45.0 and summary["ready"]
        assert set(voiceprints.load_profiles(s)) == {"V301"}
        assert voiceprints.remove(s, "V301")
        s.commit()
    with session(engine) as s:
        assert voiceprints.load_profile(s, "V301") is None and voiceprints.summaries(s) == []
        assert not voiceprints.remove(s, "V301")


def test_finding_goes_to_the_collector_whose_voice_said_it():
    segments = [Segment("S0", "agent", 0.0, 3.0, "我们是银行的", agent_id="V301"),
                Segment("S1", "agent", 3.5, 6.0, "今天不还钱我们就不走了", agent_id="V305"),
                Segment("S2", "debtor", 6.5, 8.0, "我没钱"),
                Segment("S3", "agent", 8.5, 9.0, "走吧", agent_id="unregistered")]
    findings = [Finding("c", "THREAT", "THREAT_VIOLENCE", "high", speaker="S1", role="agent", start=3.5, end=6.0),
                Finding("c", "X", "ABUSE", "high", speaker="S3", role="agent", start=8.5, end=9.0),
                Finding("c", "META", "VISIT_STAFFING", "low")]
    voiceprints.attribute_findings(findings, segments)
    assert [f.agent_id for f in findings] == ["V305", None, None]


def _cli(monkeypatch, *argv: str, stdin: str = "") -> int:
    from audit.cli import main

    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(list(argv))


def test_only_an_admin_removes_a_voiceprint(tmp_path, monkeypatch, capsys):
    users = tmp_path / "users.toml"
    add_user(users, "root", "admin-pass", role="admin")
    add_user(users, "sup", "sup-pass", role="supervisor")
    url = f"sqlite:///{tmp_path / 'v.db'}"
    engine = make_engine(url)
    init_db(engine)
    with session(engine) as s:
        voiceprints.enroll(s, "V301", [Chunk(_voice(1).tolist(), 40.0, "call-1")])
        s.commit()
    common = ("--db", url, "--users", str(users), "--password-stdin")
    assert _cli(monkeypatch, "voices", "remove", "V301", "--admin", "sup", *common, stdin="sup-pass\n") == 3
    assert _cli(monkeypatch, "voices", "remove", "V301", "--admin", "root", *common, stdin="wrong\n") == 3
    assert "only an admin" in capsys.readouterr().err
    assert _cli(monkeypatch, "voices", "list", "--db", url) == 0
    assert "V301\t40 s" in capsys.readouterr().out
    assert _cli(monkeypatch, "voices", "remove", "V301", "--admin", "root", *common, stdin="admin-pass\n") == 0
    assert "erased" in capsys.readouterr().out
    with session(engine) as s:
        assert voiceprints.summaries(s) == []


@pytest.mark.parametrize("argv", [["voices", "enroll", "V1", "a.wav"], ["voices", "remove", "V1"]])
def test_enroll_and_remove_require_an_admin_name(argv):
    from audit.cli import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args(argv)


def test_staffing_by_voice_holds_back_a_voice_too_short_to_judge():
    """min_voice_s: an unregistered voice with less speech is inconclusive (listed, not raised)
    and may be the logged collector not otherwise heard; a longer one is raised as before."""
    from audit.rules.detectors.metadata import VisitStaffingDetector
    from audit.schema import Contact

    contact = Contact(call_id="vis-1", kind="visit", started_at=None, talk_seconds=0.0,  # type: ignore[arg-type]
                      outcome="answered", agent_id="V301", team="t", visit_staff=2,
                      visit_staff_ids=("V301", "V305"), audio_file="vis-1.wav")

    def metrics(seconds: float, logged: tuple[str, ...] = ("V301", "V305")) -> dict:
        lead = {"speaker": "S0", "agent_id": "V301", "best": "V301", "score": 2.0, "seconds": 9.0}
        other = {"speaker": "S1", "agent_id": voiceprints.UNREGISTERED, "best": "V302", "score": 0.3,
                 "seconds": seconds}
        return {"collector_voices": [lead, other], "logged_staff": ["V301", "V305"],
                "logged_with_profile": list(logged)}

    def judge(min_voice_s: float, m: dict):
        return VisitStaffingDetector(type="visit_staffing", source="voices", min_voice_s=min_voice_s).judge(
            contact, m, None)  # type: ignore[arg-type]

    raised = judge(0.0, metrics(2.5))
    assert raised and "match no enrolled agent" in raised[0] and "V305 never heard" in raised[0]
    assert judge(3.0, metrics(2.5)) is None                      # too short to judge, and may be V305
    long_enough = judge(3.0, metrics(4.0))
    assert long_enough and "match no enrolled agent" in long_enough[0]
    two_missing = judge(3.0, metrics(2.5, ("V301", "V305", "V306")))  # one short voice cannot be both
    assert two_missing and "V305, V306 never heard" in two_missing[0] and two_missing[1]["inconclusive"] == 1
