"""Word-level helpers of the voice step's word-pause split (:func:`pipelines.voices.split_segments`,
off by default): which recognised words a collector segment holds, where it may be cut, and the
segment of one part."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from audit.schema import Segment


def segment_words(seg: Segment, words: Sequence[Any]) -> list[Any]:
    """The recognised words of a segment (segments start and end on word times)."""
    return [w for w in words if seg.start - 0.02 <= (w.start + w.end) / 2 <= seg.end + 0.02]


def cut_points(
    seg: Segment, words: list[Any], part_s: float, cuts: int, pause_s: float, sentence_ends: str
) -> list[int]:
    """Word indices a segment may be cut before: after a sentence's end or at a pause of at least
    ``pause_s``, both parts at least ``part_s`` long; the ``cuts`` best (a sentence's
    end first, then the longest pause). Never inside a phrase: a cut there would break the
    words the recogniser's corrections and the rules read together."""

    def pause(i: int) -> float:
        return float(words[i].start - words[i - 1].end)

    def ends(i: int) -> bool:
        return words[i - 1].text.strip()[-1:] in sentence_ends

    ok = [
        i
        for i in range(1, len(words))
        if (ends(i) or pause(i) >= pause_s)
        and words[i - 1].end - seg.start >= part_s
        and seg.end - words[i].start >= part_s
    ]
    ok.sort(key=lambda i: (ends(i), pause(i)), reverse=True)
    return sorted(ok[:cuts])


def word_part(
    seg: Segment, start: float, end: float, words: list[Any], agent_id: str, join: Callable[[list[Any]], str]
) -> Segment:
    """The part of ``seg`` from ``start`` to ``end`` holding ``words``, said by ``agent_id``."""
    probs = [float(getattr(w, "probability", 1.0)) for w in words]
    return Segment(
        speaker=seg.speaker,
        role=seg.role,
        start=start,
        end=end,
        text=join(words),
        confidence=round(float(np.mean(probs)), 3),
        channel=seg.channel,
        agent_id=agent_id,
    )
