"""``audit rules eval``: a pack measured on labelled lines.

``data/eval_sample.jsonl`` (and the same rows as ``eval_sample.csv``) and ``data/eval_pack.yaml``
are synthetic test data written for these tests, not collectors' lines.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audit.rules import load_pack
from audit.rules.labelled import read_labelled

from .test_rules_cli import run

DATA = Path(__file__).with_name("data")
SAMPLE = DATA / "eval_sample.jsonl"
PACK = DATA / "eval_pack.yaml"


def eval_json(monkeypatch, capsys, *argv) -> dict:
    code, out, err = run(["rules", "eval", *argv, "--format", "json"], monkeypatch, capsys)
    assert code == 0, err
    return json.loads(out)


def test_eval_report(monkeypatch, capsys):
    report = eval_json(monkeypatch, capsys, str(SAMPLE), "--pack", str(PACK))
    assert {k: report[k] for k in ("lines", "violations", "compliant", "caught", "caught_share",
                                   "false_alarm_lines", "false_alarm_rate")} == {
        "lines": 9, "violations": 6, "compliant": 3, "caught": 4, "caught_share": 0.6667,
        "false_alarm_lines": 1, "false_alarm_rate": 0.3333}
    cats = report["categories"]
    assert list(cats) == ["ABUSE", "THREAT_VIOLENCE", "THREAT_THIRD_PARTY", "THIRD_PARTY_DISCLOSURE",
                          "FALSE_AUTHORITY", "CASH_OR_CARD_REQUEST"]
    assert cats["ABUSE"] == {"lines": 3, "caught": 2, "raised": 3, "precision": 0.6667, "recall": 0.6667}
    assert cats["CASH_OR_CARD_REQUEST"] == {"lines": 1, "caught": 1, "raised": 2, "precision": 0.5, "recall": 1.0}
    assert cats["THREAT_VIOLENCE"] == {"lines": 1, "caught": 0, "raised": 0, "precision": None, "recall": 0.0}
    # said to a relative, as its contact_role says: the disclosure rule's scope
    assert cats["THIRD_PARTY_DISCLOSURE"]["recall"] == 1.0
    assert cats["FALSE_AUTHORITY"] == {"lines": 0, "caught": 0, "raised": 0, "precision": None, "recall": None}
    assert report["misses"] == [
        {"line": 2, "text": "你这种人真不要脸", "contact_role": "debtor", "expected": "ABUSE", "got": [],
         "rule_ids": [], "suspected": []},
        {"line": 8, "text": "你小心点", "contact_role": "debtor", "expected": "THREAT_VIOLENCE", "got": [],
         "rule_ids": [], "suspected": []}]
    assert [(a["line"], a["expected"], a["got"], a["rule_ids"]) for a in report["false_alarms"]] == [
        (7, "COMPLIANT", ["ABUSE"], ["T-ABUSE"]),
        (9, "ABUSE", ["ABUSE", "CASH_OR_CARD_REQUEST"], ["T-ABUSE", "T-CASH"])]


def test_eval_judges_as_rules_test_does(tmp_path, monkeypatch, capsys):
    """Each labelled line gets exactly the verdict ``audit rules test`` prints for it."""
    lines = read_labelled(SAMPLE)
    report = eval_json(monkeypatch, capsys, str(SAMPLE), "--pack", str(PACK))
    listed = {e["line"]: e for e in report["misses"] + report["false_alarms"]}
    for line in lines:
        path = tmp_path / "one.txt"
        path.write_text(line.text + "\n", encoding="utf-8")
        code, out, _ = run(["rules", "test", "--pack", str(PACK), "--contact-role", line.contact_role, str(path)],
                           monkeypatch, capsys)
        judged = json.loads(out)
        if line.line in listed:
            assert (listed[line.line]["got"], listed[line.line]["rule_ids"]) == (judged["categories"],
                                                                               judged["rule_ids"])
        else:  # neither missed nor falsely alarmed: exactly its own category, or nothing when compliant
            assert judged["categories"] == ([] if line.category == "COMPLIANT" else [line.category])


def test_csv_reads_as_jsonl(monkeypatch, capsys):
    a = eval_json(monkeypatch, capsys, str(SAMPLE), "--pack", str(PACK))
    b = eval_json(monkeypatch, capsys, str(DATA / "eval_sample.csv"), "--pack", str(PACK))
    for entry in b["misses"] + b["false_alarms"]:
        entry["line"] -= 1  # the CSV's header row
    assert a == b


def test_eval_json_is_stable(monkeypatch, capsys):
    first = run(["rules", "eval", str(SAMPLE), "--pack", str(PACK), "--format", "json"], monkeypatch, capsys)[1]
    assert first == run(["rules", "eval", str(SAMPLE), "--pack", str(PACK), "--format", "json"],
                        monkeypatch, capsys)[1]


def test_eval_text(monkeypatch, capsys):
    code, out, _ = run(["rules", "eval", str(SAMPLE), "--pack", str(PACK)], monkeypatch, capsys)
    assert code == 0
    assert "violations caught: 4/6 (66.7 %)" in out
    assert "false alarms on compliant lines: 1/3 (33.3 %)" in out
    assert "line 8: expected THREAT_VIOLENCE, got nothing: 你小心点" in out
    assert "line 7: expected COMPLIANT, got ABUSE [T-ABUSE]: 这个垃圾分类做得好" in out


def test_eval_with_the_default_pack(monkeypatch, capsys):
    report = eval_json(monkeypatch, capsys, str(SAMPLE))
    assert report["pack_version"] == load_pack().version and report["lines"] == 9


@pytest.mark.parametrize("name,content,words", [
    ("bad.jsonl", '{"text": "你好", "category": "COMPLIANT"}\n{"text": "你好", "category": "RUDE"}\n',
     "bad.jsonl:2: category 'RUDE' is not one of ABUSE"),
    ("bad.jsonl", '{"text": "你好", "category": "COMPLIANT"}\n\n{"text": " ", "category": "ABUSE"}\n',
     "bad.jsonl:3: 'text' is missing or empty"),
    ("bad.jsonl", '{"text": "你好", "category": "ABUSE", "contact_role": "boss"}\n',
     "bad.jsonl:1: contact_role 'boss' is not one of debtor, relative, third_party"),
    ("bad.jsonl", '{"text": "你好", "category": "ABUSE"}\n["你好", "ABUSE"]\n', "bad.jsonl:2: not a JSON object"),
    ("bad.jsonl", '{"text": "你好", "category": "ABUSE"\n', "bad.jsonl:1: not a JSON object"),
    ("bad.csv", "text,label\n你好,ABUSE\n", "bad.csv:1: the header row needs the columns text and category"),
    ("bad.csv", "text,category\n你好,ABUSE\n\"你\n好\",NOPE\n", "bad.csv:4: category 'NOPE'"),
    ("empty.jsonl", "\n\n", "empty.jsonl: no labelled lines"),
    ("missing.jsonl", None, "missing.jsonl: no such labelled file"),
])
def test_bad_rows_name_file_and_line(tmp_path, monkeypatch, capsys, name, content, words):
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    code, out, err = run(["rules", "eval", str(path), "--pack", str(PACK)], monkeypatch, capsys)
    assert code == 2 and out == "" and words in err
