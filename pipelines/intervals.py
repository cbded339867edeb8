"""Time intervals: how much two stretches share, and which stretch a word belongs to.

Every stage measures time the same way (seconds from the start of the recording, ``start <=
end``), so the interval arithmetic lives here, below the stages: the ASR gap filler, the
word-to-speaker assignment and the evaluation all use it, and none of them has to import
another stage to get it.
"""

from __future__ import annotations

from typing import Protocol, TypeVar


class Span(Protocol):
    """Anything with a ``start`` and an ``end`` in seconds (a word, a turn, a segment)."""

    @property
    def start(self) -> float: ...

    @property
    def end(self) -> float: ...


S = TypeVar("S", bound=Span)


def overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    """Seconds shared by the intervals [a0, a1] and [b0, b1]."""
    return max(0.0, min(a1, b1) - max(a0, b0))


def closest_span(item: Span, spans: list[S]) -> S:
    """The span ``item`` belongs to: the one it overlaps most, else the nearest.

    "Nearest" compares the item's middle with each span's nearer edge, so a word said in a
    pause between two turns goes to the turn it is closer to.

    Args:
        item: the stretch to place (a recognised word, usually).
        spans: candidate stretches; must not be empty.

    Returns:
        One of ``spans`` (the first of equals, as :func:`max` and :func:`min` pick).
    """
    best = max(spans, key=lambda s: overlap(item.start, item.end, s.start, s.end))
    if overlap(item.start, item.end, best.start, best.end) > 0:
        return best
    middle = (item.start + item.end) / 2
    return min(spans, key=lambda s: min(abs(middle - s.start), abs(middle - s.end)))
