"""Excel export read back with openpyxl: sheets, frozen header, number formats, colours, values."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from audit.exports import build_report, report_bytes
from audit.exports.columns import HEADERS, KEYS
from audit.exports.xlsx_export import FROZEN, NOTES_SHEET, SUMMARY_SHEET, sheet_title
from tests.exports.conftest import NOV, expected_figures


def table(ws) -> list[dict]:
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == list(HEADERS)
    return [dict(zip(KEYS, r)) for r in rows[1:]]


def test_xlsx_matches_database(scorecard_engine):
    wb = load_workbook(io.BytesIO(report_bytes(build_report(scorecard_engine, *NOV, details=False), "xlsx")))
    assert wb.sheetnames == [SUMMARY_SHEET, "一组", "网贷二组", NOTES_SHEET]
    expected = expected_figures(scorecard_engine, *NOV)
    summary = table(wb[SUMMARY_SHEET])
    assert {r["agent_id"] for r in summary} == set(expected)
    for r in summary:
        exp = expected[r["agent_id"]]
        assert (r["contacts"], r["calls_audited"], r["visits_audited"], r["findings"], r["critical_findings"]) == (
            exp["contacts"], exp["calls"], exp["visits"], exp["findings"], exp["critical"])
        assert (r["confirmed"], r["dismissed"]) == (exp["confirmed"], exp["dismissed"])
        assert r["avg_score"] == pytest.approx(exp["avg_score"])  # real numbers, not rounded text
        assert r["pass_rate"] == pytest.approx(100 * exp["pass_rate"])
        assert r["findings_per_100"] == pytest.approx(exp["findings_per_100"])
    for team in ("一组", "网贷二组"):
        rows = table(wb[team])
        assert {r["team"] for r in rows} == {team}
        assert [r["rank_in_team"] for r in rows] == sorted(r["rank_in_team"] for r in rows)
        assert {r["agent_id"] for r in rows} == {
            a for a, e in expected.items() if any(s["agent_id"] == a and s["team"] == team for s in summary)}


def test_xlsx_formatting(scorecard_engine):
    wb = load_workbook(io.BytesIO(report_bytes(build_report(scorecard_engine, *NOV, details=False), "xlsx")))
    for name in (SUMMARY_SHEET, "一组", "网贷二组"):
        ws = wb[name]
        assert ws.freeze_panes == FROZEN
        col = {k: i + 1 for i, k in enumerate(KEYS)}
        assert ws.cell(2, col["avg_score"]).number_format == "0.0"
        assert ws.cell(2, col["score_change"]).number_format == "+0.0;-0.0;0.0"
        assert ws.cell(2, col["contacts"]).number_format == "0"
        assert ws.cell(1, 1).font.bold
        score_letter = ws.cell(1, col["avg_score"]).column_letter
        rules = [r for cf in ws.conditional_formatting for r in cf.rules if score_letter in str(cf.sqref)]
        operators = [(r.operator, r.formula) for r in rules if r.type == "cellIs"]
        assert operators == [("lessThan", ["60"]), ("lessThan", ["80"]), ("greaterThanOrEqual", ["80"])]
        assert all(r.dxf.fill is not None for r in rules if r.type == "cellIs")
    notes = [r for r in wb[NOTES_SHEET].iter_rows(values_only=True)]
    assert ("统计期间", "2026-11-01 至 2026-11-30（Asia/Shanghai）") in notes


@pytest.mark.parametrize(
    "team,taken,expected",
    [
        ("一组", set(), "一组"),
        ("A/B:组[1]", set(), "A_B_组_1_"),
        ("x" * 40, set(), "x" * 31),
        ("汇总", {"汇总"}, "汇总_2"),
        ("", set(), "未分组"),
    ],
)
def test_sheet_title(team, taken, expected):
    assert sheet_title(team, set(taken)) == expected
