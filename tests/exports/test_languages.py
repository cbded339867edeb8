"""Scorecard exports in the report's language (`audit scorecards --lang`), and their links to the
dashboard (`--dashboard-url`)."""

from __future__ import annotations

import argparse
import csv
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from audit.cli.exports import add_parser
from audit.exports import build_report, report_bytes
from audit.exports.columns import HEADERS, KEYS
from tests.exports.conftest import NOV


def csv_header(data: bytes) -> list[str]:
    return next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_and_excel_follow_the_language(scorecard_engine):
    chinese = build_report(scorecard_engine, *NOV, details=False)
    english = build_report(scorecard_engine, *NOV, details=False, lang="en")
    assert csv_header(report_bytes(chinese, "csv")) == list(HEADERS)  # Chinese by default
    header = csv_header(report_bytes(english, "csv"))
    assert len(header) == len(KEYS) and header[:4] == ["Agent ID", "Name", "Team", "Agency"]
    assert "per 100 · Threat to tell third parties" in header
    assert not any("\u4e00" <= ch <= "\u9fff" for h in header for ch in h)  # no Chinese left in English
    book = load_workbook(io.BytesIO(report_bytes(english, "xlsx")))
    assert book.sheetnames[0] == "Summary" and book.sheetnames[-1] == "Notes"
    notes = [row[0].value for row in book["Notes"].iter_rows()]
    assert "Agent compliance scorecards" in notes and "Contacts audited" in notes
    assert load_workbook(io.BytesIO(report_bytes(chinese, "xlsx"))).sheetnames[0] == "汇总"


def test_pdf_follows_the_language_and_links_each_worst_finding(scorecard_engine):
    report = build_report(scorecard_engine, *NOV, lang="en", dashboard_url="https://audit.example.cn")
    reader = PdfReader(io.BytesIO(report_bytes(report, "pdf")))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Agent compliance scorecard" in text and "Most severe findings" in text
    links = [a.get_object()["/A"]["/URI"] for page in reader.pages for a in page.get("/Annots", [])
             if a.get_object().get("/Subtype") == "/Link"]
    worst = [f for findings in report.worst.values() for f in findings]
    expected = [
        f"https://audit.example.cn/call_detail?call_id={f.call_id}"
        + (f"&t={f.start:.1f}" if f.start is not None else "")
        for f in worst
    ]
    assert worst and any(f.start is not None for f in worst) and sorted(links) == sorted(expected)


def test_pdf_without_a_dashboard_address_has_no_links(scorecard_engine):
    reader = PdfReader(io.BytesIO(report_bytes(build_report(scorecard_engine, *NOV), "pdf")))
    assert not [a for page in reader.pages for a in page.get("/Annots", [])]


@pytest.mark.parametrize("argv, error", [
    (["--lang", "fr"], "not available"),
    (["--dashboard-url", "ftp://x"], "http(s) address"),
])
def test_cli_refuses_a_bad_language_or_address(scorecard_engine, db_url, tmp_path, capsys, argv, error):
    parser = argparse.ArgumentParser(prog="audit")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["scorecards", "--db", db_url, "--period", "2026-11", "--out",
                              str(tmp_path / "x.csv"), *argv])
    assert args.func(args) == 2 and error in capsys.readouterr().err


def test_cli_writes_english(scorecard_engine, db_url, tmp_path):
    parser = argparse.ArgumentParser(prog="audit")
    add_parser(parser.add_subparsers(dest="command", required=True))
    out = tmp_path / "cards.csv"
    args = parser.parse_args(
        ["scorecards", "--db", db_url, "--period", "2026-11", "--out", str(out), "--lang", "en"]
    )
    assert args.func(args) == 0
    assert csv_header(out.read_bytes())[0] == "Agent ID"
