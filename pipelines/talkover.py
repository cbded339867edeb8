"""Who talked over whom in a mono recording: the overlaps heard in the sound, against the turns.

:mod:`pipelines.overlap` hears *where* two voices overlap; the diarized, role-labelled segments
around each overlap say who started it (:func:`attribute`): the first change of party at the
overlap, its new turn still heard when the overlap ends. The sound itself says whether a gap
between the recognised words was a pause (:func:`speech_frames`): the recogniser drops words said
over someone, so segment times are only trusted to a second. docs/conduct.md has the figures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.acoustics import runs
from pipelines.overlap import FRAME_S, Overlap, OverlapOptions, Trees, frame_level, voice_overlaps


@dataclass(frozen=True)
class TalkOver:
    """An overlap where one party started over another: indices into the segments."""

    overlap: Overlap
    interrupter: int  # the first segment of the turn that started over the other party
    interrupted: int  # the other party's last segment before it


def _party(seg) -> bool:
    return seg.role == "agent"


def speech_frames(level: np.ndarray, blip_s: float = 0.1) -> np.ndarray:
    """Where someone speaks, per frame (:data:`FRAME_S`): the detector's own voice activity (a
    frame 12 dB over the recording's quietest tenth, as :func:`frame_features` marks speech);
    bursts shorter than ``blip_s`` (clicks, a breath) are not speech."""
    if not len(level):
        return np.zeros(0, dtype=bool)
    speech = level > np.percentile(level, 10) + 12.0
    shortest = round(blip_s / FRAME_S)
    for a, b in runs(speech):
        if b - a < shortest:
            speech[a:b] = False
    return speech


def _silence_s(speech: np.ndarray, start: float, end: float) -> float:
    """The longest stretch with nobody speaking between ``start`` and ``end`` (seconds)."""
    quiet = ~speech[max(0, round(start / FRAME_S)):max(0, round(end / FRAME_S))]
    return max((b - a for a, b in runs(quiet)), default=0) * FRAME_S


def attribute(overlaps: list[Overlap], segments: list, options: OverlapOptions | None = None,
              speech: np.ndarray | None = None) -> list[TalkOver]:
    """Who started over whom, from the diarized (role-labelled) segments around each overlap.

    The talk-over is the *first* change of party at the overlap: the first segment of another
    party than the one before it that begins no more than ``lead_s`` before the overlap (the
    diarizer's change point often falls early: the words said over someone are dropped) and no
    more than ``context_s`` after it, while the other party's last segment ends no more than
    ``silent_s`` before the overlap (someone was speaking), and whose turn is still heard at the
    overlap's end or after it (0.3 s of it in the ``context_s`` from 0.2 s before the end). The
    first change, not the party heard after the overlap: an interrupter who stops after a short
    turn and the other party's reply make two changes, and only the first one started over
    anybody. A turn further away (a turn going on through the overlap: the other party's
    interjection) and a change within the party (one collector handing over to the other) are no
    talk-over.

    A turn the diarizer begins after the overlap's end counts only when it follows the other
    party's speech without a pause of ``pause_s`` (a reply after a pause is no talk-over; the
    diarizer often gives the interrupter's first words to the party they talked over). The pause
    is read in the sound where ``speech`` (:func:`speech_frames`) is given, between the recognised
    words otherwise: the recogniser drops words said over someone, so a gap between the words
    with a voice in it is no pause. Segment times are only trusted to a second.
    """
    options = options or OverlapOptions()
    order = sorted(range(len(segments)), key=lambda i: (segments[i].start, segments[i].end))
    turns = _turn_ends(order, segments)
    out: list[TalkOver] = []
    for o in overlaps:
        for pos in range(1, len(order)):
            seg, before = segments[order[pos]], segments[order[pos - 1]]
            if _party(seg) == _party(before) or not o.start - options.lead_s <= seg.start <= o.end + options.context_s:
                continue
            if before.end < o.start - options.silent_s:
                continue
            if seg.start > o.end and seg.start - before.end >= options.pause_s and (
                    speech is None or _silence_s(speech, before.end, seg.start) >= options.pause_s):
                continue  # a reply after a pause: the other party's speech, not this one, held the overlap
            heard = min(turns[pos], o.end + options.context_s) - max(seg.start, o.end - 0.2)
            if heard < 0.3:
                continue
            out.append(TalkOver(o, order[pos], order[pos - 1]))
            break
    return out


def _turn_ends(order: list[int], segments: list) -> list[float]:
    """For each position in ``order``, when the party's turn that holds it ends (the last end of
    the consecutive segments of that party)."""
    ends = [0.0] * len(order)
    for pos in range(len(order) - 1, -1, -1):
        end = segments[order[pos]].end
        if pos + 1 < len(order) and _party(segments[order[pos + 1]]) == _party(segments[order[pos]]):
            end = max(end, ends[pos + 1])
        ends[pos] = end
    return ends


def talk_overs(x16: np.ndarray, segments: list, options: OverlapOptions | None = None,
               model: Trees | None = None) -> list[TalkOver]:
    """Talk-overs in a mono recording with diarized, role-labelled segments."""
    if not segments:
        return []
    found = voice_overlaps(x16, options, model)
    if not found:
        return []
    return attribute(found, segments, options, speech_frames(frame_level(x16, model)))
