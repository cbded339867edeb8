"""Interval arithmetic shared by the stages (pipelines/intervals.py)."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from pipelines.intervals import closest_span, overlap


class Stretch(NamedTuple):
    """A turn-like stretch: the intervals module only needs start and end."""

    start: float
    end: float
    speaker: str


@pytest.mark.parametrize("a, b, shared", [
    ((0.0, 2.0), (1.0, 3.0), 1.0),   # partly shared
    ((0.0, 4.0), (1.0, 2.0), 1.0),   # one inside the other
    ((0.0, 1.0), (1.0, 2.0), 0.0),   # touching
    ((0.0, 1.0), (2.0, 3.0), 0.0),   # apart: never negative
])
def test_overlap(a, b, shared):
    assert overlap(*a, *b) == shared
    assert overlap(*b, *a) == shared


TURNS = [Stretch(0.0, 2.0, "S0"), Stretch(2.0, 5.0, "S1"), Stretch(8.0, 9.0, "S0")]


@pytest.mark.parametrize("start, end, speaker", [
    (0.5, 1.0, "S0"),   # inside a turn
    (1.5, 2.8, "S1"),   # across a change: the turn it shares most with
    (5.5, 6.0, "S1"),   # in a pause: the nearer edge (5.0 vs 8.0)
    (7.0, 7.5, "S0"),
])
def test_closest_span(start, end, speaker):
    assert closest_span(Stretch(start, end, "?"), TURNS).speaker == speaker
