"""``audit rules list|validate|test`` — the JSON-lines contract of ``rules test``."""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

import pytest

from audit.cli import rules as cli

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "packs"


def run(argv, monkeypatch, capsys, stdin: str | None = None):
    parser = argparse.ArgumentParser(prog="audit")
    cli.add_parser(parser.add_subparsers(dest="command", required=True))
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    args = parser.parse_args(argv)
    code = args.func(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_rules_test_from_stdin(monkeypatch, capsys):
    code, out, _ = run(["rules", "test"], monkeypatch, capsys, "你这个老赖\n\n我们不收现金\n")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert rows == [{"text": "你这个老赖", "categories": ["ABUSE"], "rule_ids": ["ABUSE-INSULT"]},
                    {"text": "我们不收现金", "categories": [], "rule_ids": []}]
    assert "老赖" in out   # ensure_ascii=False


@pytest.mark.parametrize("argv,expected", [
    (["--contact-role", "relative"], ["THIRD_PARTY_DISCLOSURE"]),
    (["--contact-role", "debtor"], []),
    (["--role", "debtor", "--contact-role", "relative"], []),
])
def test_rules_test_roles(tmp_path, monkeypatch, capsys, argv, expected):
    path = tmp_path / "lines.txt"
    path.write_text("他欠我们三万块，逾期两个月了\n", encoding="utf-8")
    code, out, _ = run(["rules", "test", *argv, str(path)], monkeypatch, capsys)
    assert code == 0 and json.loads(out)["categories"] == expected


def test_rules_list_and_validate(monkeypatch, capsys):
    code, out, _ = run(["rules", "list", "--format", "json"], monkeypatch, capsys)
    assert code == 0 and any(r["id"] == "TIME-QUIET" for r in json.loads(out))
    code, out, _ = run(["rules", "validate", str(FIXTURES / "valid_client.yaml")], monkeypatch, capsys)
    assert code == 0 and "OK" in out
    code, _, err = run(["rules", "validate", str(FIXTURES / "bad_severity.yaml")], monkeypatch, capsys)
    assert code == 2 and "rule BAD-SEV: field severity" in err
