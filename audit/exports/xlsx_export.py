"""Scorecards as an Excel workbook (openpyxl).

Sheets: ``汇总`` (every agent; ``Summary`` in English), one sheet per team (its agents in rank
order), and ``说明`` (``Notes``: period, filters and the definitions of the figures). Every
table has a frozen header row and
frozen name columns, real numbers with number formats (not text), and conditional colours on
the average score (red below 60, amber below 80, green from 80) and on the change vs the
previous period (red when it fell).

Cells are written by :func:`append_row`: text through :func:`audit.exports.cells.safe_cell` and
stored as a string cell, so no value from a manifest can become a formula.
"""

from __future__ import annotations

import re
from typing import BinaryIO

from audit.exports.cells import safe_cell
from audit.exports.columns import COLUMNS, definitions, row_values
from audit.exports.report import ScorecardReport
from audit.i18n import N_, _

SUMMARY_SHEET = "汇总"  # the Chinese names (the default language)
NOTES_SHEET = "说明"
SUMMARY, NOTES, NO_TEAM = N_("Summary"), N_("Notes"), N_("No team")
SCORE_BANDS = (  # (operator, limit, fill, font): red < 60 ≤ amber < 80 ≤ green
    ("lessThan", 60, "FFC7CE", "9C0006"),
    ("lessThan", 80, "FFEB9C", "9C5700"),
    ("greaterThanOrEqual", 80, "C6EFCE", "006100"),
)
FROZEN = "C2"  # header row + 工号/姓名 stay in view while scrolling
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_title(team: str, taken: set[str]) -> str:
    """A valid, unique sheet name for a team (Excel: ≤ 31 characters, no []:*?/\\)."""
    base = _BAD_SHEET_CHARS.sub("_", team or _(NO_TEAM))[:31] or _(NO_TEAM)
    title, n = base, 2
    while title.lower() in {t.lower() for t in taken}:
        suffix = f"_{n}"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title)
    return title


def append_row(ws, values) -> None:
    """Append one row; text is made formula-safe and written as a string cell, never a formula.

    openpyxl turns any text starting with ``=`` into a formula cell. :func:`safe_cell` already
    keeps such text from reaching it; forcing the string type as well means a later change to
    the prefix list cannot reopen the hole.
    """
    ws.append([safe_cell(v) for v in values])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def _table(ws, cards) -> None:
    from openpyxl.formatting.rule import CellIsRule, FormulaRule
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    header_fill = PatternFill("solid", fgColor="1F4E78")
    append_row(ws, [c.label for c in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[1].height = 32
    for card in cards:
        append_row(ws, row_values(card))
    last = ws.max_row
    for idx, col in enumerate(COLUMNS, start=1):
        letter = get_column_letter(idx)
        ws.column_dimensions[letter].width = col.width
        if col.number_format:
            for (cell,) in ws.iter_rows(min_row=2, max_row=last, min_col=idx, max_col=idx):
                cell.number_format = col.number_format
        if last < 2:
            continue
        cells = f"{letter}2:{letter}{last}"
        if col.key == "avg_score":
            # Rules are evaluated in the order added and stop at the first match; a blank
            # (agent with no audited contact) would otherwise read as 0 and show red.
            ws.conditional_formatting.add(cells, FormulaRule(formula=[f"ISBLANK({letter}2)"], stopIfTrue=True))
            for operator, limit, fill, font in SCORE_BANDS:
                ws.conditional_formatting.add(cells, CellIsRule(
                    operator=operator, formula=[str(limit)],
                    fill=PatternFill("solid", fgColor=fill), font=Font(color=font), stopIfTrue=True,
                ))
        elif col.key in ("score_change", "pass_rate_change"):
            ws.conditional_formatting.add(cells, CellIsRule(
                operator="lessThan", formula=["0"], font=Font(color="9C0006"),
            ))
        elif col.key == "findings_per_100_change":
            ws.conditional_formatting.add(cells, CellIsRule(
                operator="greaterThan", formula=["0"], font=Font(color="9C0006"),
            ))
    ws.freeze_panes = FROZEN
    if last >= 2:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{last}"


def write_xlsx(report: ScorecardReport, out: BinaryIO) -> None:
    """Write the workbook (see the module docstring for its layout)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    summary = wb.active
    summary.title = _(SUMMARY)
    _table(summary, report.cards)
    taken = {_(SUMMARY), _(NOTES)}
    for team in report.teams:
        ws = wb.create_sheet(sheet_title(team, taken))
        _table(ws, [c for c in report.cards if c.team == team])

    notes = wb.create_sheet(_(NOTES))
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["B"].width = 90
    rows = [
        (_("Agent compliance scorecards"), ""),
        (_("Period"), _("{start} to {end} ({tz})").format(start=report.period.start.isoformat(),
                                                          end=report.period.end.isoformat(), tz=report.tz)),
        (_("Previous period"), _("{start} to {end}").format(start=report.period.previous().start.isoformat(),
                                                            end=report.period.previous().end.isoformat())),
        (_("Filters"), report.filters_text()),
        (_("Generated"), report.generated_at.strftime("%Y-%m-%d %H:%M:%S %z")),
        ("", ""),
    ] + list(definitions())
    for row in rows:
        append_row(notes, row)
    notes["A1"].font = Font(bold=True, size=14)
    for (label, text) in notes.iter_rows(min_row=2):
        label.font = Font(bold=True)
        text.alignment = Alignment(wrap_text=True, vertical="top")
    wb.save(out)
