"""Every finding names the kind of check that raised it and how sure it is."""

from __future__ import annotations

import pytest

from audit.rules.model import Rule, detector_label

from .conftest import contact, seg


def _rule(detector: dict) -> Rule:
    return Rule.model_validate({"id": "R-1", "title_zh": "测试", "title_en": "test", "category": "ABUSE",
                                "severity": "high", "citation": {"source": "test"}, "detector": detector})


@pytest.mark.parametrize("detector,label", [
    ({"type": "lexicon", "terms": ["老赖"]}, "lexicon"),
    ({"type": "regex", "patterns": ["老赖"]}, "regex"),
    ({"type": "regex", "patterns": ["{YOU}.{0,4}老赖"]}, "frame"),
    ({"type": "cooccurrence", "first": ["你"], "second": ["老赖"]}, "cooccurrence"),
    ({"type": "required", "terms": ["我是"]}, "required"),
    ({"type": "contact_hours"}, "metadata"),
    ({"type": "visit_staffing"}, "metadata"),
    ({"type": "recording_integrity"}, "metadata"),
    ({"type": "attempts_per_day"}, "log"),
    ({"type": "connected_per_day"}, "log"),
])
def test_detector_label(detector, label):
    assert detector_label(_rule(detector).detector) == label


def test_default_pack_findings_carry_detector_and_full_confidence(pack):
    findings = pack.scan_text("你这个老赖，再不还就爆你通讯录")
    assert findings and all(f.detector in {"lexicon", "regex", "frame", "cooccurrence"} for f in findings)
    assert all(f.confidence == 1.0 for f in findings)
    late = contact(started_at=contact().started_at.replace(hour=23))
    found = {f.rule_id: f for f in pack.scan_contact(late, [seg("喂")])}
    assert found["TIME-QUIET"].detector == "metadata"
    assert any(f.detector == "required" for f in found.values())
