"""``audit scorecards`` and ``audit evidence`` through argparse, against a real database."""

from __future__ import annotations

import argparse
import csv
import zipfile

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from audit.cli.exports import add_parser
from tests.exports.conftest import expected_figures


def cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="audit")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    return args.func(args)


def db_arg(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_scorecards_every_format(scorecard_engine, tmp_path, fmt, capsys):
    out = tmp_path / f"nov.{fmt}"
    assert cli("scorecards", "--db", db_arg(scorecard_engine), "--period", "2026-11", "--format", fmt,
               "--out", str(out), "--team", "一组") == 0
    assert "3 agent scorecard(s)" in capsys.readouterr().out
    if fmt == "csv":
        ids = {r["工号"] for r in csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines())}
    elif fmt == "xlsx":
        ids = {r[0] for r in load_workbook(out)["汇总"].iter_rows(min_row=2, values_only=True)}
    else:
        ids = {a for a in ("A017", "A022", "A031") for p in PdfReader(out).pages if f"（{a}）" in p.extract_text()}
    assert ids == {"A017", "A022", "A031"}


def test_scorecards_from_to_and_suffix_format(scorecard_engine, tmp_path):
    out = tmp_path / "range.csv"
    assert cli("scorecards", "--db", db_arg(scorecard_engine), "--from", "2026-11-01", "--to", "2026-11-05",
               "--out", str(out)) == 0
    rows = {r["工号"]: r for r in csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines())}
    from datetime import date

    expected = expected_figures(scorecard_engine, date(2026, 11, 1), date(2026, 11, 5))
    assert {k: int(r["受检联系数"]) for k, r in rows.items()} == {k: v["contacts"] for k, v in expected.items()}


@pytest.mark.parametrize(
    "argv,message",
    [
        (["--from", "2026-11-01", "--out", "x.csv"], "--from needs --to"),
        (["--period", "2026-11", "--to", "2026-11-03", "--out", "x.csv"], "--to goes with --from"),
        (["--period", "2026-11", "--out", "x.txt"], "cannot tell the format"),
        (["--period", "11/2026", "--out", "x.csv"], "YYYY-MM"),
        (["--from", "2026-11-05", "--to", "2026-11-01", "--out", "x.csv"], "before its start"),
    ],
)
def test_scorecards_bad_arguments(tmp_path, argv, message, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli("scorecards", "--db", f"sqlite:///{tmp_path / 'a.db'}", *argv) == 2
    assert message in capsys.readouterr().err


def test_evidence_export_and_verify(scorecard_engine, tmp_path, capsys):
    pack = tmp_path / "n02.zip"
    assert cli("evidence", "export", "n02", "--db", db_arg(scorecard_engine), "--out", str(pack)) == 0
    out = capsys.readouterr()
    assert "pack SHA-256" in out.out and "no recording" in out.err  # the seed contacts have no audio
    assert cli("evidence", "verify", str(pack)) == 0
    assert "OK" in capsys.readouterr().out
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(pack) as zin, zipfile.ZipFile(tampered, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            tampered_data = data.replace("报案".encode(), "报警".encode())
            zout.writestr(item, tampered_data if item.filename == "findings.json" else data)
        zout.comment = zin.comment
    assert cli("evidence", "verify", str(tampered)) == 1
    assert "FAILED findings.json: changed" in capsys.readouterr().out


def test_evidence_unknown_call(scorecard_engine, tmp_path, capsys):
    assert cli("evidence", "export", "nope", "--db", db_arg(scorecard_engine), "--out", str(tmp_path / "p.zip")) == 2
    assert "'nope' is not in the database" in capsys.readouterr().err
