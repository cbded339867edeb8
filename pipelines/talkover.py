"""Who talked over whom in a mono recording: the overlaps heard in the sound, against the turns.

:mod:`pipelines.overlap` hears *where* two voices overlap; the diarized, role-labelled segments
around each overlap say who started it (:func:`attribute`): the party that goes on after it,
unless that is a reply to a short turn begun at the overlap. The sound itself says whether a gap
between the recognised words was a pause (:func:`speech_frames`): the recogniser drops words said
over someone, so segment times are only trusted to a second. docs/conduct.md has the figures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.overlap import FRAME_S, Overlap, OverlapOptions, Trees, frame_level, runs, speech_mask, voice_overlaps


@dataclass(frozen=True)
class TalkOver:
    """An overlap where one party started over another: indices into the segments."""

    overlap: Overlap
    interrupter: int  # the first segment of the turn that started over the other party
    interrupted: int  # the other party's last segment before it


def _party(seg) -> bool:
    return seg.role == "agent"


def speech_frames(level: np.ndarray, blip_s: float = 0.1) -> np.ndarray:
    """Where someone speaks, per frame (:data:`~pipelines.overlap.FRAME_S`), from the frame levels
    of :func:`~pipelines.overlap.frame_level`: the detector's own voice activity
    (:func:`~pipelines.overlap.speech_mask`, as :func:`~pipelines.overlap.frame_features` marks
    speech); bursts shorter than ``blip_s`` (clicks, a breath) are not speech."""
    if not len(level):
        return np.zeros(0, dtype=bool)
    speech = speech_mask(level)
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

    The party heard after the overlap (most speech in the ``context_s`` after it) started over
    the other one when its turn began around the overlap (not more than ``lead_s`` before it: a
    turn going on for longer was not started over anyone; the overlap was the other party's
    interjection) and the other party's last segment before that turn ends no more than
    ``silent_s`` before the overlap (someone was speaking). The diarizer's change point may fall
    anywhere near the overlap, and the recogniser often drops the words said over someone, so
    segment times are only trusted to a second.

    A turn the diarizer begins after the overlap's end, after a gap of ``pause_s`` in the words:

    * when the turn before it began at the overlap (within ``lead_s`` before it, not after its
      end) and went on through it, *that* turn started the overlap and the one after it is the
      reply: an interrupter who stops after a short turn, and the other party answers;
    * otherwise it counts only when the sound has no pause of ``pause_s`` in the gap (``speech``,
      :func:`speech_frames`; without it, the gap in the words is the pause): the interrupter's
      first words were dropped or given to the party talked over. A reply after a real pause is
      no talk-over.

    A turn begun before the overlap's end after a silence of ``reply_s`` in the sound since the
    other party's last segment is a reply: the overlap heard inside it is no talk-over by it.

    On a visit the diarizer may give the talked-over party's voice a collector's role (one
    collector's speaker holds the debtor's lines too): the overlap then falls between two
    collector speakers, which is otherwise a hand-over and no talk-over. When the speaker heard
    before the overlap says the other party's words (:func:`pipelines.roles.collector_score` of
    its turn below 0) and the one after it a collector's (above 0), the speaker after it started
    over the other party (:func:`_party_by_words`). A piece of another speaker shorter than
    ``fragment_s`` between one speaker's segments (the recogniser splits a word across the change
    of voice: heldout5 h5-011's "我业|务。") does not end that speaker's run.
    """
    options = options or OverlapOptions()
    order = sorted(range(len(segments)), key=lambda i: (segments[i].start, segments[i].end))
    out: list[TalkOver] = []
    for o in overlaps:
        found = _who_started(o, order, segments, options, speech)
        if found is not None:
            out.append(TalkOver(o, *found))
    return out


def _turn_start(order: list[int], segments: list, pos: int) -> int:
    """The position in ``order`` where the party's turn that holds ``pos`` begins."""
    party = _party(segments[order[pos]])
    while pos > 0 and _party(segments[order[pos - 1]]) == party:
        pos -= 1
    return pos


def _who_started(o: Overlap, order: list[int], segments: list, options: OverlapOptions,
                 speech: np.ndarray | None) -> tuple[int, int] | None:
    """(interrupter, interrupted) segment indices for one overlap, or None (see :func:`attribute`)."""
    def cover(i: int, a: float, b: float) -> float:
        return max(0.0, min(b, segments[i].end) - max(a, segments[i].start))

    after = max(order, key=lambda i: cover(i, o.end, o.end + options.context_s), default=None)
    if after is None or cover(after, o.end - 0.2, o.end + options.context_s) < 0.3:
        return None
    if options.party_words:
        by_words = _party_by_words(o, order, segments, order.index(after), options, speech)
        if by_words is not None:
            return by_words
    first = _turn_start(order, segments, order.index(after))
    start = segments[order[first]].start
    if first == 0 or start < o.start - options.lead_s:
        return None
    before = segments[order[first - 1]]
    if before.end < o.start - options.silent_s:
        return None
    if (start <= o.end and start > before.end and speech is not None and options.reply_s is not None
            and _silence_s(speech, before.end, start) >= options.reply_s):
        return None  # the turn began after a silence as long as a change of turn: a reply
    if start > o.end and start - before.end >= options.pause_s:
        prior = _turn_start(order, segments, first - 1)
        if (prior > 0 and o.start - options.lead_s <= segments[order[prior]].start <= o.end
                and before.end >= o.end - 0.2 and segments[order[prior - 1]].end >= o.start - options.silent_s):
            first = prior  # the short turn that began at the overlap; the one after it is the reply
        elif speech is None or _silence_s(speech, before.end, start) >= options.pause_s:
            return None  # a reply after a pause: the other party's speech held the overlap
    return order[first], order[first - 1]


def _speaker_run(order: list[int], segments: list, pos: int, step: int, fragment_s: float = 0.0) -> list[int]:
    """Positions of the diarized speaker's segments from ``pos`` on, going back (``step`` -1) or
    forward (+1) while nobody else speaks; another speaker's pieces shorter than ``fragment_s``
    (a syllable the recogniser split off and the diarizer gave to the other voice) are stepped
    over, not counted."""
    speaker, out = segments[order[pos]].speaker, []
    while 0 <= pos < len(order):
        seg = segments[order[pos]]
        if seg.speaker == speaker:
            out.append(pos)
        elif seg.end - seg.start >= fragment_s:
            break
        pos += step
    return out


def _previous(order: list[int], segments: list, pos: int, fragment_s: float) -> int | None:
    """The position before ``pos`` of the nearest segment no shorter than ``fragment_s``."""
    pos -= 1
    while pos >= 0 and segments[order[pos]].end - segments[order[pos]].start < fragment_s:
        pos -= 1
    return pos if pos >= 0 else None


def _party_by_words(o: Overlap, order: list[int], segments: list, pos: int, options: OverlapOptions,
                    speech: np.ndarray | None) -> tuple[int, int] | None:
    """(interrupter, interrupted) when the overlap falls between two collector speakers and the
    one before it speaks the other party's words (see :func:`attribute`), else None."""
    from pipelines.roles import collector_score

    if not _party(segments[order[pos]]):
        return None
    fragment_s = options.fragment_s
    first = _speaker_run(order, segments, pos, -1, fragment_s)[-1]
    start = segments[order[first]].start
    prior = _previous(order, segments, first, fragment_s)
    if prior is None or start < o.start - options.lead_s:
        return None
    before = segments[order[prior]]
    if not _party(before) or before.end < o.start - options.silent_s:
        return None  # the other party's role already: the usual rule decides
    if start > o.end and start - before.end >= options.pause_s and (
            speech is None or _silence_s(speech, before.end, start) >= options.pause_s):
        return None  # a reply after a pause
    said_before = [segments[order[i]].text for i in sorted(_speaker_run(order, segments, prior, -1, fragment_s))]
    said_after = [segments[order[i]].text for i in _speaker_run(order, segments, first, 1, fragment_s)]
    if collector_score(said_before) < 0 < collector_score(said_after):
        return order[first], order[prior]
    return None


def talk_overs(x16: np.ndarray, segments: list, options: OverlapOptions | None = None,
               model: Trees | None = None) -> list[TalkOver]:
    """Talk-overs in a mono recording with diarized, role-labelled segments."""
    if not segments:
        return []
    found = voice_overlaps(x16, options, model)
    if not found:
        return []
    return attribute(found, segments, options, speech_frames(frame_level(x16, model)))
