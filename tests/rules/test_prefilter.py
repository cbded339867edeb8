"""The regex prefilter: mandatory token sets per pattern, and that it never drops a match."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from audit.rules.prefilter import PatternFilter, mandatory_sets, trigger
from audit.text import normalize

DATA = Path(__file__).with_name("data")


@pytest.mark.parametrize("pattern,sets", [
    ("老赖", [{"老赖"}, {"老"}, {"赖"}]),
    ("(以贷养贷|借新还旧)", [{"以贷", "借新"}]),                  # one pair per alternative
    ("[你您][这那]种", [{"那种", "这种"}, {"你这", "你那", "您这", "您那"}, {"种"}, {"你", "您"}, {"这", "那"}]),
    ("你.{0,4}(人|东西)", [{"人", "东西"}, {"你"}]),
    ("(你)?滚", [{"滚"}]),                                        # an optional group gives nothing
    ("(a|.b)c", [{"c"}, {"a", "b"}]),
    ("(a|.?)c", [{"c"}]),                                         # an alternative with nothing mandatory
    ("(?i)ab", []),                                               # case-insensitive: always runs
    ("x(?i:ab)", [{"x"}]),
    (".*", []),
])
def test_mandatory_sets(pattern, sets):
    assert [set(s) for s in mandatory_sets(pattern, None)] == sets


def test_trigger_is_the_rarest_set():
    assert trigger("你.{0,3}(老赖|废物)") == frozenset({"老赖", "废物"})
    assert trigger(".*") is None


def _lines() -> list[str]:
    lines = []
    for file in sorted(DATA.glob("*.txt")):
        lines += [ln.split("\t")[-1] for ln in file.read_text(encoding="utf-8").splitlines()
                  if ln.strip() and not ln.startswith("#")]
    return lines


def test_filter_never_drops_a_pattern_that_matches(pack):
    patterns = [(lr.owner_regex, i, sets) for lr in pack._line for i, (_, sets) in enumerate(lr.patterns)]
    compiled = {(lr.owner_regex, i): rx for lr in pack._line for i, (rx, _) in enumerate(lr.patterns)}
    pf = PatternFilter(patterns)
    checked = skipped = 0
    for text in map(normalize, _lines()):
        found: dict[str, list[int]] = {}
        pf.candidates(text, found)
        kept = {(owner, i) for owner, ids in found.items() for i in ids}
        for key, rx in compiled.items():
            if key in kept:
                checked += 1
            else:
                skipped += 1
                assert not rx.search(text), (key, rx.pattern, text)
    assert skipped > 10 * checked  # and it does filter: most patterns never run on a line


@pytest.mark.parametrize("text,expected", [
    ("你这种人", {("A", 0)}),
    ("您那种东西", {("A", 0)}),
    ("这种人", set()),                 # no [你您]
    ("你种这", set()),                 # the characters, but not the pairs
    ("随便什么", {("B", 0)}),          # a pattern without mandatory tokens always runs
])
def test_filter_table(text, expected):
    pf = PatternFilter([("A", 0, mandatory_sets("[你您][这那]种.{0,4}(人|东西)", None)),
                        ("B", 0, mandatory_sets(".*", None))])
    found: dict[str, list[int]] = {}
    pf.candidates(text, found)
    assert {(o, i) for o, ids in found.items() for i in ids} == expected | {("B", 0)}
    assert all(re.search("[你您][这那]种.{0,4}(人|东西)", text) for o, _ in expected if o == "A")
