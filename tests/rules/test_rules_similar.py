"""The ``similar`` detector: example sentences instead of patterns.

Every sentence here is synthetic test data written for these tests, not a collector's line.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from audit.rules import PackError, RulePack, load_pack
from audit.rules.matcher import Utterance
from audit.rules.model import Rule
from audit.rules.similar import align

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "packs"
DATA = Path(__file__).with_name("data")

CARD = ["把你的银行卡和密码发给我", "你去取现金交给我"]  # synthetic examples


def similar_rule(rid: str = "SIM-CARD", category: str = "CASH_OR_CARD_REQUEST", **detector) -> Rule:
    detector = {"type": "similar", "examples": CARD, **detector}
    return Rule.model_validate({"id": rid, "title_zh": "测试", "title_en": "test", "category": category,
                                "severity": "high", "citation": {"source": "test"}, "detector": detector})


@pytest.fixture(scope="module")
def params():
    return load_pack().parameters  # the default pack's negation and reported-speech cues


def scan(params, text: str, **detector) -> list:
    return RulePack([similar_rule(**detector)], params).scan_text(text)


@pytest.mark.parametrize("text,via", [
    ("把你的银行卡和密码发给我", "text"),
    ("把你的银行卡和密码发给我，快点。", "text"),        # inside a longer utterance, with punctuation
    ("嗯那个把你的银行咔和密马发给我吧", "pinyin"),        # ASR homophones: 咔/卡, 马/码
    ("把你的因航卡和蜜码发给我", "pinyin"),               # 因航/银行, 蜜码/密码
    ("你去取现今交给窝", "pinyin"),                       # 今/金, 窝/我
    ("把你的銀行卡和密碼發給我", "text"),                 # Traditional characters
])
def test_example_and_its_asr_variants_match(params, text, via):
    findings = scan(params, text)
    assert [f.rule_id for f in findings] == ["SIM-CARD"]
    assert findings[0].details["via"] == [via]
    assert findings[0].detector == "similar" and findings[0].confidence == 1.0


@pytest.mark.parametrize("text", [
    "您的账单已经逾期三十天了，请尽快还款。",
    "请您通过官方APP或者银行柜台还款。",
    "您好",                                       # shorter than an example: compared whole
    "银行卡",
    "您可以把还款截图发给我，我帮您跟进入账。",
])
def test_unrelated_lines_do_not_match(params, text):
    assert scan(params, text) == []


def test_homophones_need_pinyin(params):
    assert scan(params, "把你的因航卡和蜜码发给我", pinyin=False) == []
    assert scan(params, "把你的银行卡和密码发给我", pinyin=False)


@pytest.mark.parametrize("pinyin,fuzzy,fires", [
    (True, True, True),     # 资/知 (zi/zhi) are one fuzzy sound
    (True, False, False),   # but two pinyin syllables
    (False, False, False),
])
def test_fuzzy_sound(params, pinyin, fuzzy, fires):
    found = scan(params, "你资道你孩子在哪个学校", examples=["你知道你孩子在哪个学校"], threshold=0.95,
                 pinyin=pinyin, fuzzy=fuzzy)
    assert bool(found) is fires


def test_counter_example_wins(params):
    text = "你去取现金交给银行柜台就行"
    assert scan(params, text)   # close to "你去取现金交给我" …
    assert scan(params, text, counter_examples=["你去取现金交给银行柜台"]) == []   # … but closer to this
    # a counter-example that is further away leaves the match alone
    assert scan(params, "你去取现金交给我", counter_examples=["你去取现金交给银行柜台"])


@pytest.mark.parametrize("text,detector", [
    ("请不要把你的银行卡和密码发给我", {}),                           # negation before the stretch
    ("我们不会叫你去取现金交给我", {}),
    ("我们不会去你家找你", {"examples": ["我们会去你家找你"]}),      # negation inside it
    ("如果有人让你把银行卡和密码发给他，那是骗子", {}),              # reported speech
])
def test_negation_and_reported_speech_silence_it(params, text, detector):
    assert scan(params, text, **detector) == []


def test_filters_can_be_switched_off(params):
    assert scan(params, "请不要把你的银行卡和密码发给我", negatable=False)
    assert scan(params, "把你的银行卡和密码发给我", exclude=["密码"]) == []


def test_example_inside_a_negated_example_is_not_silenced_by_its_own_words(params):
    # the example holds "不" itself: only a negation the example lacks silences the match
    assert scan(params, "你再不还钱我们就去你家找你", examples=["你再不还钱我们就去你家找你"])


def test_a_pack_file_with_a_similar_rule(tmp_path):
    path = tmp_path / "client.yaml"
    path.write_text(
        "# synthetic test pack\nname: client\nextends: default\nrules:\n"
        "  - id: CLIENT-CARD\n    title_zh: 索要银行卡\n    title_en: asks for the card\n"
        "    category: CASH_OR_CARD_REQUEST\n    severity: critical\n    citation: {source: test}\n"
        "    detector:\n      type: similar\n      threshold: 0.85\n"
        "      examples: [把你的银行卡和密码发给我]\n      counter_examples: [把你的银行卡收好]\n",
        encoding="utf-8")
    pack = load_pack(path)
    assert "CLIENT-CARD" in {f.rule_id for f in pack.scan_text("把你的因航卡和蜜码发给我")}
    assert pack.version != load_pack().version


@pytest.mark.parametrize("fixture,field,words", [
    ("similar_short_example.yaml", "detector.examples", "too short"),
    ("similar_threshold.yaml", "detector.threshold", "less than or equal to 1"),
    ("similar_no_examples.yaml", "detector.examples", "at least 1"),
    ("similar_example_and_counter.yaml", "detector", "both an example and a counter-example"),
])
def test_validation_errors_name_rule_and_field(fixture, field, words):
    with pytest.raises(PackError) as info:
        load_pack(FIXTURES / fixture)
    message = str(info.value)
    assert fixture in message and "rule BAD-SIMILAR" in message and f"field {field}" in message
    assert words in message


def _lines() -> list[str]:
    out = []
    for file in sorted(DATA.glob("*.txt")):
        for line in file.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                out.append(line.split("\t")[-1])
    return out


@pytest.mark.parametrize("threshold", [0.6, 0.75, 0.85, 0.95])
@pytest.mark.parametrize("pinyin,fuzzy", [(True, True), (True, False), (False, False)])
def test_prefilter_never_drops_a_match(params, threshold, pinyin, fuzzy):
    """The prefiltered scan finds exactly what aligning every example with every line finds."""
    lines = _lines()
    rng = random.Random(int(threshold * 100))
    examples = [e for e in rng.sample(lines, 40) if len(e) >= 4]
    pack = RulePack([similar_rule(examples=examples, threshold=threshold, pinyin=pinyin, fuzzy=fuzzy,
                                  negatable=False, skip_reported=False)], params)
    pack.cache_size = 0
    similar = pack._line[0].similar
    queries = lines + [line[: len(line) // 2] for line in lines]  # cut lines: shorter than examples
    matched = 0
    for text in queries:
        utt = Utterance(text)
        lex: dict = {}
        pack._similar.candidates(utt, lex)
        got = similar.hits(utt, lex.get(similar.owner, []))
        assert got == similar.hits(utt), text
        matched += bool(got)
    assert matched >= 40  # every example at least matches itself


@pytest.mark.parametrize("example,utterance,expected", [
    ("银行卡密码", "请把你的银行卡密码告诉我", (100.0, 4, 9)),
    ("银行卡密码", "银行", None),            # shorter: compared whole, 2·2/7 < 0.8
])
def test_align(example, utterance, expected):
    found = align(example, utterance, 80)
    assert (tuple(found) if found else None) == expected
