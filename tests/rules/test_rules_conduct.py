"""Conduct rules (raised voice, talk-over, dead air, pace) on segments with measured acoustics."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.rules import PackError, load_pack
from audit.schema import Acoustics, Segment
from tests.rules.conftest import contact

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "packs"


def seg(role: str, start: float, end: float, *, loud: float = 0.0, loud_s: float | None = None,
        pitch: float | None = 0.0, interrupt: float = 0.0, rate: float = 4.5, text: str = "好的") -> Segment:
    """A segment whose loudness curve sits at ``loud`` dB over the party's median for ``loud_s``
    seconds (all of it by default), the rest at the median."""
    steps = round((end - start) / 0.25)
    high = steps if loud_s is None else round(loud_s / 0.25)
    curve = [loud] * high + [0.0] * (steps - high)
    speaker = "agent" if role == "agent" else "contact"
    return Segment(speaker, role, start, end, text,
                   acoustics=Acoustics(level_db=-20 + loud, level_rel_db=loud, loudness=curve, pitch_rel_st=pitch,
                                       interrupt_s=interrupt, rate_cps=rate))


def found(pack, segments, rule_prefix="CONDUCT"):
    return [(f.rule_id, f.start, f.end) for f in pack.scan_contact(contact(), segments, {})
            if f.rule_id.startswith(rule_prefix)]


CALM = [seg("agent", 0, 4), seg("debtor", 4.5, 7), seg("agent", 7.5, 11), seg("debtor", 11.5, 13)]


@pytest.mark.parametrize("case,segments,expected", [
    ("calm call", CALM, []),
    ("a shout", CALM + [seg("agent", 14, 17, loud=10)], [("CONDUCT-RAISED-VOICE", 14, 17)]),
    ("a quieter shout (gain control)", CALM + [seg("agent", 14, 16, loud=5.5)], [("CONDUCT-RAISED-VOICE", 14, 16)]),
    ("loud for 1 s only", CALM + [seg("agent", 14, 17, loud=10, loud_s=1.0)], []),
    ("not loud enough", CALM + [seg("agent", 14, 17, loud=4)], []),
    ("loud for half of it", CALM + [seg("agent", 14, 17, loud=10, loud_s=1.5)], [("CONDUCT-RAISED-VOICE", 14, 17)]),
    ("a few loud syllables in a long calm turn", CALM + [seg("agent", 14, 20, loud=10, loud_s=1.5)], []),
    ("one shout cut by a breath", CALM + [seg("agent", 14, 15, loud=10), seg("agent", 15.4, 16.2, loud=10)],
     [("CONDUCT-RAISED-VOICE", 14, 16.2)]),
    ("two short loud bits with the debtor between",
     CALM + [seg("agent", 14, 15, loud=10), seg("debtor", 15.1, 15.3), seg("agent", 15.4, 16.2, loud=10)], []),
    ("the debtor shouts", CALM + [seg("debtor", 14, 17, loud=12)], []),
    ("loud at a much lower pitch", CALM + [seg("agent", 14, 17, loud=10, pitch=-4)], []),
    ("loud, pitch unknown", CALM + [seg("agent", 14, 17, loud=10, pitch=None)], [("CONDUCT-RAISED-VOICE", 14, 17)]),
    ("talks over twice", CALM + [seg("agent", 14, 16, interrupt=0.9), seg("agent", 20, 22, interrupt=1.2)],
     [("CONDUCT-OVERTALK", 14, 16), ("CONDUCT-OVERTALK", 20, 22)]),
    ("talks over once", CALM + [seg("agent", 14, 16, interrupt=1.2)], []),
    ("talks over once, for 7 s", CALM + [seg("agent", 14, 22, interrupt=7.0)], [("CONDUCT-OVERTALK", 14, 22)]),
    ("two brief overlaps", CALM + [seg("agent", 14, 16, interrupt=0.3), seg("agent", 20, 22, interrupt=0.2)], []),
    ("the debtor talks over twice", CALM + [seg("debtor", 14, 16, interrupt=1), seg("debtor", 20, 22, interrupt=1)],
     []),
    ("dead air and fast speech: metrics only", CALM + [seg("agent", 30, 35, rate=9.0)], []),
])
def test_default_pack(pack, case, segments, expected):
    assert found(pack, segments) == expected, case


def test_client_pack_reports_dead_air_and_pace_with_its_thresholds():
    client = load_pack(FIXTURES / "conduct_client.yaml")
    segments = CALM + [seg("agent", 22, 26, rate=8.0), seg("debtor", 26.5, 28, rate=9.0),
                       seg("agent", 40, 42, interrupt=1.0), seg("agent", 50, 52, interrupt=1.0)]
    assert sorted(found(client, segments), key=lambda f: f[1]) == [
        ("CONDUCT-DEAD-AIR", 13, 22), ("CONDUCT-PACE", 22, 26), ("CONDUCT-DEAD-AIR", 28, 40),
        ("CONDUCT-DEAD-AIR", 42, 50)]
    # three talk-overs make it "repeated" for this client
    assert len(found(client, segments + [seg("agent", 60, 62, interrupt=1.0)], "CONDUCT-OVERTALK")) == 3


def test_finding_carries_evidence_and_figures(pack):
    segments = CALM + [seg("agent", 14, 17, loud=10, text="您今天必须还！")]
    [finding] = [f for f in pack.scan_contact(contact(), segments, {}) if f.category == "CONDUCT"]
    assert (finding.detector, finding.severity, finding.role, finding.speaker) == ("raised_voice", "medium", "agent",
                                                                                   "agent")
    assert finding.evidence == "您今天必须还！"
    assert finding.details["loud_s"] == 3.0 and finding.details["level_over_median_db"] == 10


def test_no_acoustics_no_conduct(pack):
    """A truth transcript (or a contact stored before migration 0007) is not judged on sound."""
    segments = [Segment("agent", "agent", 0, 3, "好的"), Segment("debtor", "debtor", 20, 23, "嗯")]
    assert found(pack, segments) == []
    assert pack.conduct_metrics(segments) == {}


def test_conduct_metrics(pack):
    segments = CALM + [seg("agent", 14, 17, loud=10), seg("agent", 20, 22, interrupt=0.9),
                       seg("debtor", 23, 24, loud=12)]
    assert pack.conduct_metrics(segments) == {"raised_voice_s": 3.0, "interruptions": 1}


@pytest.mark.parametrize("fixture,words", [
    ("conduct_unknown_field.yaml", "rule BAD-LOUD: field detector.db: unknown field"),
    ("conduct_bad_parameter.yaml", "field parameters.raised_voice_db"),
])
def test_broken_conduct_pack(fixture, words):
    with pytest.raises(PackError, match=words):
        load_pack(FIXTURES / fixture)


def test_dead_air_reads_the_silences_heard_in_the_recording():
    """Measured segments carry the voice activity's silences: a hold under one segment is dead air,
    a gap between segments where someone spoke (words the recogniser lost) is not."""
    client = load_pack(FIXTURES / "conduct_client.yaml")
    held = seg("agent", 0, 30)
    held.acoustics.silences = [[4.0, 19.5]]  # nobody spoke, yet the recogniser's segment ran over it
    after = seg("debtor", 45, 48)
    after.acoustics.silences = []  # 30-45 s: no segment, but the VAD heard speech
    assert found(client, [held, after], "CONDUCT-DEAD-AIR") == [("CONDUCT-DEAD-AIR", 4.0, 19.5)]
    # segments measured before silences were stored: the gaps between them, as before
    assert found(client, [seg("agent", 0, 30), seg("debtor", 45, 48)], "CONDUCT-DEAD-AIR") == [
        ("CONDUCT-DEAD-AIR", 30, 45)]
