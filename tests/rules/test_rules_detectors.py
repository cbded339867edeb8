"""The detector registry (audit/rules/detectors/): one class per YAML type, each in a family."""

from __future__ import annotations

from typing import Literal

import pytest

from audit.rules import PackError, load_pack
from audit.rules.detectors import DETECTORS, LOG_TYPES, register, types_of
from audit.rules.detectors.base import LineDetector
from audit.rules.model import Rule

FAMILIES = {"line", "model", "required", "metadata", "log", "acoustic"}


def test_every_type_is_registered_once_in_a_family():
    assert list(DETECTORS) == [
        "lexicon", "regex", "cooccurrence", "similar", "model", "required", "contact_hours",
        "visit_eligibility", "visit_staffing", "recording_integrity", "attempts_per_day",
        "connected_per_day", "raised_voice", "overtalk", "dead_air", "speech_rate",
    ]
    assert {cls.stage for cls in DETECTORS.values()} == FAMILIES
    assert LOG_TYPES == types_of("log") == ("attempts_per_day", "connected_per_day")


@pytest.mark.parametrize("kind", list(DETECTORS))
def test_a_rule_of_each_type_gets_its_registered_class(kind):
    settings = {"lexicon": {"terms": ["老赖"]}, "regex": {"patterns": ["老赖"]},
                "cooccurrence": {"first": ["家人"], "second": ["知道"]},
                "similar": {"examples": ["我们会去你家找你"]}}.get(kind, {})
    rule = Rule.model_validate({"id": "R-1", "title_zh": "规则", "title_en": "rule", "category": "ABUSE",
                                "severity": "high", "citation": {"source": "s"},
                                "detector": {"type": kind, **settings}})
    assert type(rule.detector) is DETECTORS[kind]


def test_a_type_cannot_be_registered_twice():
    with pytest.raises(ValueError, match="'lexicon' is registered twice"):
        @register
        class Again(LineDetector):
            type: Literal["lexicon"]


def test_an_unknown_type_lists_the_registered_ones(tmp_path):
    pack = tmp_path / "pack.yaml"
    pack.write_text("name: x\nrules:\n- {id: A, title_zh: a, title_en: a, category: ABUSE, severity: high,\n"
                    "   citation: {source: s}, detector: {type: lexcon, terms: [x]}}\n", encoding="utf-8")
    with pytest.raises(PackError) as info:
        load_pack(pack)
    message = str(info.value)
    assert "rule A: field detector" in message
    assert ", ".join(f"'{kind}'" for kind in DETECTORS) in message
