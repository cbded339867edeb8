"""Conduct rules: how the collector sounds, judged from the recording rather than the words.

The pipeline measures each segment (:class:`audit.schema.Acoustics`, :mod:`pipelines.acoustics`):
its level and pitch against the same party in the same call, its pace, whether it started
while the other party was speaking, the silence before it. The rules here judge those figures
with the pack's parameters:

* ``raised_voice``: a stretch of one party's consecutive segments (less than :data:`JOIN_S`
  apart, nobody else speaking between, each loud for ``raised_voice_min_share`` of its length)
  holding at least ``raised_voice_min_s`` seconds at ``raised_voice_db`` or more over the
  party's median level, at a pitch (the stretch's
  duration-weighted median, against the party's) not below ``raised_voice_min_pitch_st``.
  One finding per stretch.
* ``overtalk``: the in-scope party starts while the other is speaking and both go on for
  ``overtalk_min_s``; reported when it happens ``overtalk_min_count`` times in the contact, or
  for ``overtalk_min_total_s`` seconds in all. One finding per talk-over.
* ``dead_air``: nobody speaks for ``dead_air_min_s`` (the recording's voice activity, stored on
  the segments; the gaps between segments for a contact measured before it was). One finding
  per silence.
* ``speech_rate``: a stretch of the in-scope party's segments faster than
  ``speech_rate_max_cps`` characters a second, lasting ``speech_rate_min_s``.

A transcript without acoustics (a truth transcript, a contact stored before they were measured)
gives no conduct finding and no conduct metric: there is nothing to judge.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from audit.schema import Finding, Role, Segment

if TYPE_CHECKING:
    # the acoustic detectors (audit.rules.detectors.acoustic) call in here; the rule model
    # imports them, so this module needs the model for annotations only
    from audit.rules.detectors.base import AcousticDetector
    from audit.rules.model import Parameters, Rule

JOIN_S = 1.0  # one party's segments closer than this are one stretch (a shout cut by a breath)
EVIDENCE_CHARS = 200


def measured(segments: Iterable[Segment]) -> bool:
    """Whether the segments carry acoustics (the recording was measured)."""
    return any(s.acoustics is not None for s in segments)


def loud_seconds(seg: Segment, db: float) -> float:
    """Seconds of the segment at ``db`` or more over its party's median level."""
    ac = seg.acoustics
    if ac is None:
        return 0.0
    return sum(ac.step_s for v in ac.loudness if v is not None and v >= db)


@dataclass(frozen=True)
class Stretch:
    """Consecutive segments of one party that a conduct rule judges together."""

    segments: tuple[Segment, ...]
    seconds: float  # what the rule measured: loud seconds, talk-over seconds, silence, speech
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def start(self) -> float:
        return self.segments[0].start if self.segments else self.details["gap_start"]

    @property
    def end(self) -> float:
        return self.segments[-1].end if self.segments else self.details["gap_end"]


def _stretches(segments: list[Segment], roles: set[str], keep: Callable[[Segment], bool]) -> list[list[Segment]]:
    """Runs of in-scope segments that ``keep`` accepts, of one party, with nobody else between."""
    out: list[list[Segment]] = []
    current: list[Segment] = []
    for seg in sorted(segments, key=lambda s: (s.start, s.end)):
        ok = seg.role in roles and seg.acoustics is not None and keep(seg)
        joins = (current and ok and seg.role == current[-1].role and seg.start - current[-1].end < JOIN_S)
        if current and not joins:
            out.append(current)
            current = []
        if ok:
            current.append(seg)
    if current:
        out.append(current)
    return out


def _weighted(values: list[tuple[float, float]]) -> float | None:
    """The duration-weighted median of ``(value, weight)`` pairs."""
    if not values:
        return None
    values = sorted(values)
    half = sum(w for _, w in values) / 2
    seen = 0.0
    for value, weight in values:
        seen += weight
        if seen >= half:
            return value
    return values[-1][0]


def raised_voice(segments: list[Segment], roles: set[str], p: Parameters) -> list[Stretch]:
    """Stretches where the party's voice is raised (see the module docstring)."""
    found = []
    def raised(seg: Segment) -> bool:
        loud = loud_seconds(seg, p.raised_voice_db)
        return loud > 0 and loud >= p.raised_voice_min_share * (seg.end - seg.start)

    for run in _stretches(segments, roles, raised):
        seconds = sum(loud_seconds(s, p.raised_voice_db) for s in run)
        if seconds < p.raised_voice_min_s:
            continue
        pitch = _weighted([(s.acoustics.pitch_rel_st, s.end - s.start) for s in run
                           if s.acoustics and s.acoustics.pitch_rel_st is not None])
        if p.raised_voice_min_pitch_st is not None and pitch is not None and pitch < p.raised_voice_min_pitch_st:
            continue
        level = max(s.acoustics.level_rel_db for s in run if s.acoustics)
        found.append(Stretch(tuple(run), round(seconds, 2),
                             {"loud_s": round(seconds, 2), "level_over_median_db": round(level, 1),
                              "pitch_over_median_st": None if pitch is None else round(pitch, 1),
                              "threshold_db": p.raised_voice_db}))
    return found


def talk_overs(segments: list[Segment], roles: set[str], p: Parameters) -> list[Segment]:
    """The in-scope party's segments that start over the other party (both on for ``overtalk_min_s``)."""
    return [s for s in sorted(segments, key=lambda s: s.start)
            if s.role in roles and s.acoustics is not None and s.acoustics.interrupt_s >= p.overtalk_min_s]


def overtalk(segments: list[Segment], roles: set[str], p: Parameters) -> list[Stretch]:
    """Every talk-over, when they are repeated (count or total seconds), else none."""
    events = talk_overs(segments, roles, p)
    total = sum(s.acoustics.interrupt_s for s in events if s.acoustics)
    if len(events) < p.overtalk_min_count and total < p.overtalk_min_total_s:
        return []
    return [Stretch((s,), s.acoustics.interrupt_s, {"overlap_s": s.acoustics.interrupt_s, "count": len(events),
                                                    "total_s": round(total, 2)})
            for s in events if s.acoustics]


def silences(segments: list[Segment]) -> list[tuple[float, float]]:
    """Stretches with nobody speaking, sorted: those the measurement heard in the recording's voice
    activity (``Acoustics.silences``; a recogniser's segment can run over a silence, and speech it
    dropped is no silence), or, for segments measured before that was stored, the gaps between
    the first and the last segment."""
    if any(s.acoustics is not None and s.acoustics.silences is not None for s in segments):
        return sorted((float(a), float(b)) for s in segments if s.acoustics is not None
                      for a, b in s.acoustics.silences or [])
    gaps = []
    end = None
    for seg in sorted(segments, key=lambda s: (s.start, s.end)):
        if end is not None and seg.start > end:
            gaps.append((end, seg.start))
        end = seg.end if end is None else max(end, seg.end)
    return gaps


def dead_air(segments: list[Segment], p: Parameters) -> list[Stretch]:
    """Silences of ``dead_air_min_s`` or more (only for a measured recording)."""
    if not measured(segments):
        return []
    return [Stretch((), round(b - a, 2),
                    {"gap_start": round(a, 3), "gap_end": round(b, 3), "silence_s": round(b - a, 2)})
            for a, b in silences(segments) if b - a >= p.dead_air_min_s]


def fast_speech(segments: list[Segment], roles: set[str], p: Parameters) -> list[Stretch]:
    """Stretches of the party's speech faster than ``speech_rate_max_cps``."""
    found = []

    def fast(s: Segment) -> bool:
        return (s.acoustics is not None and s.acoustics.rate_cps is not None
                and s.acoustics.rate_cps > p.speech_rate_max_cps)

    for run in _stretches(segments, roles, fast):
        seconds = sum(s.end - s.start for s in run)
        if seconds < p.speech_rate_min_s:
            continue
        rate = _weighted([(s.acoustics.rate_cps, s.end - s.start) for s in run if s.acoustics and s.acoustics.rate_cps])
        found.append(Stretch(tuple(run), round(seconds, 2), {"rate_cps": rate, "limit_cps": p.speech_rate_max_cps}))
    return found


def judge(rule: Rule, segments: list[Segment], p: Parameters) -> list[Stretch]:
    """What an acoustic rule finds in a contact's segments (its detector picks the check).

    Raises:
        ValueError: the rule's detector is not an acoustic one.
    """
    if rule.detector.stage != "acoustic":
        raise ValueError(f"rule {rule.id}: {rule.detector.type!r} is not an acoustic detector")
    det = cast("AcousticDetector", rule.detector)  # the "acoustic" family's classes
    return det.stretches(segments, {r.value for r in rule.scope.speaker_roles}, p)


def conduct_finding(rule: Rule, citation: str, call_id: str, stretch: Stretch) -> Finding:
    """A finding on a stretch of the recording; the evidence is what was said in it."""
    first = stretch.segments[0] if stretch.segments else None
    evidence = "".join(s.text for s in stretch.segments)
    if len(evidence) > EVIDENCE_CHARS:
        evidence = evidence[:EVIDENCE_CHARS] + "…"
    return Finding(call_id=call_id, rule_id=rule.id, category=rule.category.value, severity=rule.severity.value,
                   title=rule.title_zh, citation=citation, speaker=first.speaker if first else None,
                   role=first.role if first else None, start=round(stretch.start, 3), end=round(stretch.end, 3),
                   evidence=evidence, details={"title_en": rule.title_en, **stretch.details},
                   detector=rule.detector.label())


def conduct_metrics(segments: list[Segment], p: Parameters) -> dict[str, Any]:
    """The collector's conduct in figures, with the pack's thresholds: ``raised_voice_s`` (loud
    seconds in raised-voice stretches) and ``interruptions`` (talk-overs). Empty when the
    recording was not measured."""
    if not measured(segments):
        return {}
    agent = {Role.AGENT.value}
    return {"raised_voice_s": round(sum(s.seconds for s in raised_voice(segments, agent, p)), 2),
            "interruptions": len(talk_overs(segments, agent, p))}
