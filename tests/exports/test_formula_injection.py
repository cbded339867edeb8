"""Formula injection: outside text never becomes a live formula in a CSV or Excel export.

Agent names, teams and agencies come from the dialer's manifest. A name like
``=HYPERLINK("http://x","y")`` used to arrive in the manager's workbook as a working formula.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from audit import models
from audit.exports import build_report, report_bytes
from audit.exports.cells import safe_cell
from audit.exports.columns import KEYS
from audit.exports.xlsx_export import SUMMARY_SHEET
from audit.storage import init_db, make_engine, session
from tests.exports.conftest import CST, NOV

HOSTILE = {  # agent_id -> name
    "X1": '=HYPERLINK("http://x","y")',
    "X2": "+1",
    "X3": "-2+3",
    "X4": "@SUM(A1)",
    "X5": "\t=1+1",
    "X6": "\r=1+1",
}
TEAM = "-组"
AGENCY = "=agency"


@pytest.fixture
def hostile_engine(sqlite_url):
    """Agents whose names are formulas; X1 scored 100 in October and 75 in November (change -25)."""
    engine = make_engine(sqlite_url)
    init_db(engine)
    with session(engine) as s:
        for agent_id, name in HOSTILE.items():
            s.add(models.Agent(agent_id=agent_id, name=name, team=TEAM, agency=AGENCY))
        s.flush()
        for agent_id in HOSTILE:
            s.add(models.Contact(call_id=f"{agent_id}-nov", kind="call", status="audited", agent_id=agent_id,
                                 team=TEAM, agency=AGENCY, started_at=datetime(2026, 11, 5, 10, tzinfo=CST),
                                 talk_seconds=60.0, outcome="answered"))
        s.add(models.Contact(call_id="X1-oct", kind="call", status="audited", agent_id="X1", team=TEAM,
                             agency=AGENCY, started_at=datetime(2026, 10, 5, 10, tzinfo=CST), talk_seconds=60.0,
                             outcome="answered"))
        s.flush()
        s.add(models.Finding(call_id="X1-nov", rule_id="ABUSE-01", category="ABUSE", severity="high",
                             review_status="open", start=1.0, end=2.0, evidence="=1+1", title="ABUSE",
                             citation="x"))
        s.commit()
    yield engine
    engine.dispose()


@pytest.mark.parametrize("value, expected", [
    ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
    ("+1", "'+1"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("李娜", "李娜"),
    ("a=b", "a=b"),  # only a leading trigger matters
    ("", ""),
    (-2, -2),  # numbers stay numbers
    (-2.5, -2.5),
    (None, None),
])
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_xlsx_text_is_never_a_formula(hostile_engine):
    wb = load_workbook(io.BytesIO(report_bytes(build_report(hostile_engine, *NOV, details=False), "xlsx")))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}"
    ws = wb[SUMMARY_SHEET]
    col = {k: i + 1 for i, k in enumerate(KEYS)}
    names = {}
    for r in range(2, ws.max_row + 1):
        name = ws.cell(r, col["agent_name"])
        assert name.data_type == "s"
        names[ws.cell(r, col["agent_id"]).value] = name.value
        assert ws.cell(r, col["team"]).value == "'" + TEAM
        assert ws.cell(r, col["agency"]).value == "'" + AGENCY
    # XML reads a bare CR back as LF; what matters is the leading quote.
    assert names == {agent_id: "'" + name.replace("\r", "\n") for agent_id, name in HOSTILE.items()}
    x1 = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, col["agent_id"]).value == "X1")
    change = ws.cell(x1, col["score_change"])
    assert (change.data_type, change.value) == ("n", pytest.approx(-25.0))  # a negative number stays a number


def test_csv_text_is_never_a_formula(hostile_engine):
    data = report_bytes(build_report(hostile_engine, *NOV, details=False), "csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert {r["工号"]: r["姓名"] for r in rows} == {agent_id: "'" + name for agent_id, name in HOSTILE.items()}
    assert {r["组别"] for r in rows} == {"'" + TEAM} and {r["机构"] for r in rows} == {"'" + AGENCY}
    x1 = next(r for r in rows if r["工号"] == "X1")
    assert x1["平均分较上期"] == "-25.00"  # numbers are not quoted


def test_pdf_still_renders_hostile_text(hostile_engine):
    assert report_bytes(build_report(hostile_engine, *NOV), "pdf").startswith(b"%PDF")
