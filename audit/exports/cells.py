"""One rule for every cell a spreadsheet may open: text that looks like a formula stays text.

Excel, LibreOffice Calc and Google Sheets run a cell that starts with ``=``, ``+``, ``-`` or
``@`` as a formula: an agent named ``=HYPERLINK("http://x","y")`` becomes a live link in a
manager's workbook, and older Excel runs DDE payloads (``=cmd|' /c calc'!A1``). A leading tab,
carriage return, line feed or NUL is dropped by some importers, which exposes the character
after it (OWASP "CSV Injection", ASVS 1.2.10). Agent names, teams, agencies, call ids, rule ids
and evidence come from manifests, transcripts and reviewers, i.e. from outside, so every cell
the exports and the dashboard's tables write goes through :func:`safe_cell`.

The fix is the one spreadsheet programs document themselves: a leading ``'`` makes the cell
text. The quote is visible, which is the point: the reader sees the value was not a formula.
"""

from __future__ import annotations

from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
QUOTE = "'"


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet may show it: text starting like a formula gets a leading ``'``.

    Only text is touched. Numbers (negative ones included), dates, booleans and ``None`` come
    back unchanged, so they stay real numbers in Excel and format as numbers in CSV.

    Args:
        value: One cell's value.

    Returns:
        ``"'" + value`` for text starting with ``= + - @``, tab, CR, LF or NUL; else ``value``.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return QUOTE + value
    return value


__all__ = ["FORMULA_PREFIXES", "safe_cell"]
