"""The learned second opinion (``type: model`` rules and the pack's ``model:`` section).

``data/model_pack.yaml`` and ``data/model_training.jsonl`` are synthetic test data written for
these tests (template sentences), not collectors' lines.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from audit.rules import PackError, load_pack
from audit.rules.learned import TrainingSet, classifier_for
from audit.schema import Segment
from audit.text import normalize

DATA = Path(__file__).with_name("data")
PACK = DATA / "model_pack.yaml"

LINES = ["你真是个废物", "你这种垃圾还不还钱", "你这种人真是废物一个", "你出门小心点", "把钱转到我微信上",
         "您好请问是张先生吗", "我们会依法处理", "今天天气不错", "你这个混蛋", "你晚上走路小心"]


@pytest.fixture(scope="module")
def pack():
    return load_pack(PACK)


def test_fast_scoring_is_scikit_learns(pack):
    classifier = pack._second.classifier
    texts = [normalize(t) for t in LINES] + ["", "zzz", "你"]  # empty and unknown n-grams too
    expected = classifier.model.predict_proba(classifier.vectorizer.transform(texts))
    assert np.allclose(classifier.probabilities(texts), expected, atol=1e-12)


def test_findings_carry_probability_and_suspicion(pack):
    settings = pack.model
    classifier = pack._second.classifier
    seen = set()
    for text in LINES:
        probabilities = dict(zip(classifier.classes, classifier.probabilities([normalize(text)])[0]))
        found = {f.category: f for f in pack.scan_text(text) if f.detector == "model"}
        for rule in ("ABUSE", "THREAT_VIOLENCE", "CASH_OR_CARD_REQUEST"):
            p = probabilities[rule]
            if p < settings.suspect_threshold:
                assert rule not in found, text
                continue
            finding = found[rule]
            assert finding.confidence == pytest.approx(p, abs=1e-4) == finding.details["probability"]
            assert finding.suspected == (p < settings.report_threshold)
            assert finding.evidence == text and finding.role == "agent"
            seen.add(finding.suspected)
    assert seen == {True, False}  # the lines show both kinds
    assert not [f for f in pack.scan_text("您好请问是张先生吗") if f.detector == "model"]


def test_model_judges_only_where_no_rule_raised_the_category(pack):
    text = "你把钱转到我个人的卡上"  # a similar example of SIM-CASH: the rule raises CASH_OR_CARD_REQUEST
    classifier = pack._second.classifier
    p = dict(zip(classifier.classes, classifier.probabilities([normalize(text)])[0]))["CASH_OR_CARD_REQUEST"]
    assert p >= pack.model.suspect_threshold  # the model would have said so too …
    assert [f.rule_id for f in pack.scan_text(text)] == ["SIM-CASH"]  # … but the rule already did


def test_model_judges_collector_turns_only(pack):
    segments = [Segment("s1", "debtor", 0.0, 1.0, "你真是个废物"), Segment("s0", "agent", 1.0, 2.0, "你真是个废物")]
    found = pack.scan_segments("c-1", segments)
    assert [(f.rule_id, f.role) for f in found] == [("ML-ABUSE", "agent")]


def test_similar_examples_and_counter_examples_train_it(pack):
    data = pack._second.data
    pairs = set(zip(data.texts, data.labels))
    assert (normalize("现金直接交给我就行"), "CASH_OR_CARD_REQUEST") in pairs
    assert (normalize("请把钱转到官方账户"), "COMPLIANT") in pairs


def test_trained_once_per_process(pack):
    again = load_pack(PACK)
    assert again._second.classifier is pack._second.classifier
    assert classifier_for(pack._second.data) is pack._second.classifier


def _copy(tmp_path: Path, training: str | None = None, **settings) -> Path:
    text = PACK.read_text(encoding="utf-8")
    for key, value in settings.items():
        lines = [line for line in text.splitlines() if not line.strip().startswith(f"{key}:")]
        if value is not None:
            at = next(i for i, line in enumerate(lines) if line.startswith("model:")) + 1
            lines.insert(at, f"  {key}: {value}")
        text = "\n".join(lines) + "\n"
    path = tmp_path / "pack.yaml"
    path.write_text(text, encoding="utf-8")
    target = tmp_path / "model_training.jsonl"
    if training is None:
        shutil.copy(DATA / "model_training.jsonl", target)
    else:
        target.write_text(training, encoding="utf-8")
    return path


def test_without_a_training_file_the_model_is_off(tmp_path):
    pack = load_pack(_copy(tmp_path, training_file=None))
    assert pack._second is None
    assert pack.scan_text("你真是个废物") == []


def test_training_data_is_part_of_the_version(tmp_path, pack):
    assert load_pack(_copy(tmp_path)).version == pack.version  # where the file lies does not matter
    rows = (DATA / "model_training.jsonl").read_text(encoding="utf-8").splitlines()
    changed = load_pack(_copy(tmp_path, training="\n".join(rows[1:]) + "\n"))
    assert changed.version != pack.version


@pytest.mark.parametrize("training,words", [
    ('{"text": "你好", "category": "COMPLIANT"}\n{"text": "你这个", "category": "RUDE"}\n',
     "model_training.jsonl:2: category 'RUDE' is not one of"),
    ('{"text": "你好", "category": "COMPLIANT"}\n\n{"category": "ABUSE"}\n', "model_training.jsonl:3: 'text'"),
    ('{"text": "你好", "category": "COMPLIANT"}\nnot json\n', "model_training.jsonl:2: not a JSON object"),
])
def test_bad_training_rows_name_file_and_line(tmp_path, training, words):
    with pytest.raises(PackError) as info:
        load_pack(_copy(tmp_path, training=training))
    assert "field model.training_file" in str(info.value) and words in str(info.value)


@pytest.mark.parametrize("labels,words", [(("COMPLIANT",), "no violation lines"), (("ABUSE",), "no COMPLIANT lines")])
def test_training_needs_both_kinds(labels, words):
    with pytest.raises(ValueError, match=words):
        TrainingSet(("你好",), labels).check("train.jsonl")


@pytest.mark.parametrize("settings,words", [
    ({"training_file": "nowhere.jsonl"}, "field model.training_file: no such file"),
    ({"suspect_threshold": 0.95}, "suspect_threshold 0.95 is above report_threshold"),
    ({"report_threshold": 1.5}, "field model.report_threshold"),
])
def test_bad_model_settings(tmp_path, settings, words):
    with pytest.raises(PackError, match=words):
        load_pack(_copy(tmp_path, **settings))


def test_rules_test_lists_suspected_categories(tmp_path, monkeypatch, capsys):
    from tests.rules.test_rules_cli import run

    lines = tmp_path / "lines.txt"
    lines.write_text("你这种垃圾还不还钱\n你真是个废物\n", encoding="utf-8")
    code, out, _ = run(["rules", "test", "--pack", str(PACK), str(lines)], monkeypatch, capsys)
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and all(set(r) == {"text", "categories", "rule_ids", "suspected"} for r in rows)
    assert rows[0]["suspected"] == ["ABUSE"] and rows[0]["categories"] == []
    assert rows[1]["categories"] == ["ABUSE"] and rows[1]["suspected"] == []
