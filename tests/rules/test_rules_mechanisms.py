"""The mechanisms behind the frames, one table each: word-class expansion, due-process hedges,
fallback (frame) rules, and the unknown-word-class error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from audit.rules import PackError, RulePack, load_pack
from audit.rules.model import Parameters, Rule, expand_classes

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "packs"


def rule(rid: str, category: str, detector: dict) -> Rule:
    return Rule.model_validate({"id": rid, "title_zh": "测试", "title_en": "test", "category": category,
                                "severity": "high", "citation": {"source": "test"}, "detector": detector})


# -- word classes -----------------------------------------------------------------------------

CLASSES = {"YOU": ["你", "您们", "您", "你们"], "ODD": ["a.b", "c|d"], "DUP": ["家", "家", "家人"]}


@pytest.mark.parametrize("pattern,expanded", [
    ("{YOU}好", "(?:你们|您们|你|您)好"),                      # longest first, ties in a fixed order
    ("{ODD}", r"(?:a\.b|c\|d)"),                                # words are literals, not regex
    ("{DUP}", "(?:家人|家)"),                                   # duplicates once
    ("{YOU}.{0,8}{DUP}", "(?:你们|您们|你|您).{0,8}(?:家人|家)"),  # quantifiers stay as written
    ("{you}", "{you}"),                                         # only upper-case names are classes
    ("没有类", "没有类"),
])
def test_expand_classes(pattern, expanded):
    assert expand_classes(pattern, CLASSES) == expanded
    re.compile(expanded)


def test_expand_unknown_class_names_it():
    with pytest.raises(KeyError, match="NOPE"):
        expand_classes("{YOU}{NOPE}", CLASSES)


@pytest.mark.parametrize("text,fires", [
    ("你们的家人知道了", True),
    ("您们家知道", True),
    ("他家人知道", False),          # no {YOU}
    ("你们知道", False),            # no {DUP}
    ("你们这个月家人都知道", False),  # more than {0,2} between
])
def test_class_frame_in_a_pack(text, fires):
    pack = RulePack([rule("FRAME", "THREAT_THIRD_PARTY",
                          {"type": "regex", "patterns": ["{YOU}.{0,2}{DUP}知道"]})],
                    Parameters(word_classes=CLASSES))
    assert bool(pack.scan_text(text)) is fires


def test_unknown_word_class_fixture_names_file_rule_field_and_known_classes():
    with pytest.raises(PackError) as info:
        load_pack(FIXTURES / "unknown_word_class.yaml")
    message = str(info.value)
    assert "unknown_word_class.yaml" in message
    assert "rule BAD-CLASS" in message
    assert "field detector.patterns.2" in message              # the second pattern, 1-based
    assert "{NO_SUCH_CLASS}" in message and "parameters.word_classes" in message
    assert "YOU" in message                                    # the classes that are defined


# -- hedges -----------------------------------------------------------------------------------

HEDGE_PARAMS = Parameters(hedge_cues=["可能", "依法"], hedge_window=8)


@pytest.mark.parametrize("text,hedgeable,fires", [
    ("你的卡明天就冻结", True, True),
    ("你的卡可能会被冻结", True, False),                  # hedge before the hit
    ("依法你的卡会冻结", True, False),
    ("你的卡会冻结可能吧", True, True),                    # hedge after the hit: not a hedge
    ("可能吧。你的卡明天冻结", True, True),               # hedge in the previous sentence
    ("可能，你的卡明天冻结", True, False),                # a clause break does not end the hedge
    ("可能你那个卡啊明天早上就冻结", True, True),          # hedge farther back than hedge_window
    ("你的卡可能会被冻结", False, True),                  # a rule that is not hedgeable
])
def test_hedge(text, hedgeable, fires):
    pack = RulePack([rule("FREEZE", "FALSE_AUTHORITY",
                          {"type": "lexicon", "terms": ["冻结"], "hedgeable": hedgeable})], HEDGE_PARAMS)
    assert bool(pack.scan_text(text)) is fires


# -- fallback (frame) rules -------------------------------------------------------------------

def fallback_pack() -> RulePack:
    # the frame comes first in the file: the pack still runs it after the specific rule
    return RulePack([
        rule("ABUSE-FRAME", "ABUSE", {"type": "regex", "patterns": ["你.{0,3}(老赖|废物)"], "fallback": True}),
        rule("ABUSE-WORD", "ABUSE", {"type": "lexicon", "terms": ["老赖"]}),
        rule("OTHER-FRAME", "FALSE_AUTHORITY", {"type": "regex", "patterns": ["老赖.{0,4}名单"], "fallback": True}),
    ])


@pytest.mark.parametrize("text,rule_ids", [
    ("你这个老赖", ["ABUSE-WORD"]),                      # specific rule fired: the frame stays quiet
    ("你这个废物", ["ABUSE-FRAME"]),                     # only the frame matches
    ("老赖名单", ["ABUSE-WORD", "OTHER-FRAME"]),          # a frame of another category still reports
    ("你这个老赖上了名单", ["ABUSE-WORD", "OTHER-FRAME"]),
    ("今天天气不错", []),
])
def test_fallback(text, rule_ids):
    assert sorted(f.rule_id for f in fallback_pack().scan_text(text)) == rule_ids


def test_fallback_runs_after_specific_rules_whatever_the_file_order():
    pack = fallback_pack()
    assert [lr.rule.id for lr in pack._line] == ["ABUSE-WORD", "ABUSE-FRAME", "OTHER-FRAME"]
