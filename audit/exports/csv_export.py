"""Scorecards as CSV: UTF-8 with a BOM, so Chinese Excel opens it without mojibake.

Every value goes through :func:`audit.exports.cells.safe_cell` first, so a name like
``=HYPERLINK(...)`` arrives in Excel as text, not as a formula.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any, BinaryIO

from audit.exports.cells import safe_cell
from audit.exports.columns import headers, row_values
from audit.exports.report import ScorecardReport

BOM = "\ufeff"


def _cell(value: Any) -> str:
    value = safe_cell(value)  # before formatting: numbers stay numbers, text never a formula
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        # Two decimals: enough to check against the database, short enough to read.
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_csv(report: ScorecardReport, out: BinaryIO) -> None:
    """One header row (in the report's language, see :mod:`audit.exports.columns`) and one row per agent."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\r\n")  # CRLF: what Excel writes and expects
    writer.writerow(headers())
    for card in report.cards:
        writer.writerow([_cell(v) for v in row_values(card)])
    out.write((BOM + text.getvalue()).encode("utf-8"))
