"""CSV export read back with the csv module and checked against the database."""

from __future__ import annotations

import csv
import io

import pytest

from audit.exports import build_report, report_bytes
from audit.exports.columns import HEADERS
from tests.exports.conftest import NOV, expected_figures


def read_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM for Chinese Excel"
    text = data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_matches_database(scorecard_engine):
    data = report_bytes(build_report(scorecard_engine, *NOV, details=False), "csv")
    rows = read_rows(data)
    assert list(rows[0]) == list(HEADERS)
    expected = expected_figures(scorecard_engine, *NOV)
    assert {r["工号"] for r in rows} == set(expected) == {"A017", "A022", "A031", "B203", "B211"}
    for row in rows:
        exp = expected[row["工号"]]
        assert int(row["受检联系数"]) == exp["contacts"]
        assert int(row["通话数"]) == exp["calls"]
        assert int(row["外访数"]) == exp["visits"]
        assert int(row["违规数"]) == exp["findings"]
        assert int(row["严重违规"]) == exp["critical"]
        assert int(row["已确认"]) == exp["confirmed"]
        assert int(row["已驳回"]) == exp["dismissed"]
        assert int(row["审核失败"]) == exp.get("failed", 0)
        assert float(row["平均分"]) == pytest.approx(exp["avg_score"], abs=0.005)
        assert float(row["合格率(%)"]) == pytest.approx(100 * exp["pass_rate"], abs=0.005)
        assert float(row["每百次违规"]) == pytest.approx(exp["findings_per_100"], abs=0.005)
        assert row["起始日期"] == "2026-11-01" and row["截止日期"] == "2026-11-30"
    by_id = {r["工号"]: r for r in rows}
    assert by_id["A017"]["姓名"] == "李娜" and by_id["B203"]["组别"] == "网贷二组"
    assert float(by_id["A017"]["每百次·辱骂"]) == pytest.approx(100 * 1 / 5, abs=0.005)
    assert by_id["A022"]["平均分较上期"] == ""  # no October contact: no change to show


def test_csv_empty_period_has_header_only(scorecard_engine):
    from datetime import date

    rows = read_rows(report_bytes(build_report(scorecard_engine, date(2025, 1, 1), date(2025, 1, 31)), "csv"))
    assert rows == []


def test_conduct_columns(scorecard_engine):
    """The conduct figures measured from the recordings reach the file (empty where none was measured)."""
    from sqlmodel import select

    from audit import models
    from audit.storage import session

    with session(scorecard_engine) as s:
        rows = s.exec(select(models.Contact).where(models.Contact.agent_id == "A022",
                                                   models.Contact.status == "audited")).all()
        for row in rows:
            row.metrics = {"agent_talk_share": 0.55, "interruptions": 2, "longest_silence_s": 11.0,
                           "agent_pace_cps": 4.8, "raised_voice_s": 3.5}
        s.commit()
    rows = {r["工号"]: r for r in read_rows(report_bytes(build_report(scorecard_engine, *NOV, details=False), "csv"))}
    a022 = rows["A022"]
    assert (a022["坐席说话占比(%)"], a022["每通抢话次数"], a022["最长静默(秒)"], a022["语速(字/秒)"],
            a022["每通高声(秒)"]) == ("55.00", "2.00", "11.00", "4.80", "3.50")
    assert rows["B203"]["每通高声(秒)"] == ""
