"""Pack loading: one YAML error fixture per validation error, naming file, rule and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.rules import PackError, load_pack
from audit.schema import Category

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "packs"


@pytest.mark.parametrize("fixture,rule,field,words", [
    ("unknown_category.yaml", "BAD-CAT", "category", "ABUSE"),          # lists the valid choices
    ("bad_severity.yaml", "BAD-SEV", "severity", "critical"),
    ("missing_citation.yaml", "NO-CITE", "citation", "missing"),
    ("bad_regex.yaml", "BAD-REGEX", "detector.patterns", "not a valid regular expression"),
    ("unknown_detector_field.yaml", "BAD-FIELD", "detector.windw", "unknown field"),
    ("unknown_detector_type.yaml", "BAD-TYPE", "detector", "lexicon"),
    ("bad_role.yaml", "BAD-ROLE", "scope.speaker_roles.0", "agent"),
    ("duplicate_id.yaml", "SAME", "id", "duplicate"),
    ("disable_unknown.yaml", "NO-SUCH-RULE", "disable", "no such inherited rule"),
])
def test_broken_rule_is_rejected_with_file_rule_and_field(fixture, rule, field, words):
    with pytest.raises(PackError) as info:
        load_pack(FIXTURES / fixture)
    message = str(info.value)
    assert fixture in message
    assert f"rule {rule}" in message
    assert f"field {field}" in message
    assert words in message


@pytest.mark.parametrize("fixture,words", [
    ("bad_parameter.yaml", "field parameters.max_attempts_per_day"),
    ("not_yaml.yaml", "not valid YAML"),
    ("no_such_file.yaml", "no such rule pack file"),
])
def test_broken_pack_file(fixture, words):
    with pytest.raises(PackError, match=words) as info:
        load_pack(FIXTURES / fixture)
    assert fixture in str(info.value)


def test_default_pack_covers_every_category_with_citations():
    pack = load_pack()
    assert {r.category for r in pack.rules} == set(Category)
    for rule in pack.rules:
        assert pack.citation_for(rule.id).strip()
    assert len(pack.version) == 12 and pack.source.endswith("default.yaml")


def test_client_pack_extends_default():
    base = load_pack()
    client = load_pack(FIXTURES / "valid_client.yaml")
    assert client.parameters.max_attempts_per_day == 5
    weights = {k.value: v for k, v in client.parameters.severity_weights.items()}
    assert weights["high"] == 30 and weights["critical"] == 50   # merged, not replaced
    assert {r.id for r in client.rules} == {r.id for r in base.rules} | {"CLIENT-SLANG"}
    assert client.version != base.version
    assert [f.rule_id for f in client.scan_text("你是不是欠揍")] == ["CLIENT-SLANG"]


def test_version_is_stable_and_content_based(tmp_path):
    text = (FIXTURES / "valid_client.yaml").read_text(encoding="utf-8")
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(text, encoding="utf-8")
    b.write_text("# a comment does not change the rules\n" + text, encoding="utf-8")
    # extends is resolved relative to the file; "default" is the built-in pack
    assert load_pack(a).version == load_pack(b).version
    b.write_text(text.replace("欠揍", "找打"), encoding="utf-8")
    assert load_pack(a).version != load_pack(b).version
