"""Scorecard exports (CSV, Excel, PDF).

Build a :class:`ScorecardReport` once with :func:`build_report`, then write it in any format
with :func:`write_report` (a path or a binary file) or get the bytes with :func:`report_bytes`
(the dashboard's download buttons call the latter, so a downloaded file and a CLI export are
the same file). Column names, labels and definitions live in :mod:`audit.exports.columns`.

A report is written in its ``lang`` (:mod:`audit.i18n`: Chinese by default, ``audit scorecards
--lang en``); with a ``dashboard_url`` its worst-findings lists link to each call at the
finding's second (:mod:`audit.links`).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from audit import i18n
from audit.exports.report import ScorecardReport
from audit.read.agents import agent_trend, worst_findings
from audit.read.scope import DEFAULT_TZ, Period
from audit.scorecards import agent_scorecards

FORMATS = ("csv", "xlsx", "pdf")
WORST_FINDINGS_PER_AGENT = 5
DAILY_TREND_MAX_DAYS = 31  # longer periods chart weekly points


def build_report(
    source: Engine | Session | Connection,
    start: date,
    end: date,
    *,
    team: str | None = None,
    agency: str | None = None,
    agent_id: str | None = None,
    tz: str = DEFAULT_TZ,
    details: bool = True,
    worst_limit: int = WORST_FINDINGS_PER_AGENT,
    lang: str | None = None,
    dashboard_url: str | None = None,
) -> ScorecardReport:
    """Compute the scorecards (and, with ``details``, each agent's trend and worst findings).

    ``agent_id`` keeps one agent's cards (an agent's own scorecard in the dashboard); their rank
    is still within the whole team. ``lang``: the file's language (default: Chinese, or
    ``$AUDIT_LANG``); ``dashboard_url``: link the worst findings to the dashboard.
    """
    period = Period(start, end)
    cards = agent_scorecards(source, start, end, team=team, agency=agency, tz=tz)
    if agent_id is not None:
        cards = [c for c in cards if c.agent_id == agent_id]
    report = ScorecardReport(period=period, cards=cards, team=team, agency=agency, tz=tz,
                             lang=i18n.normalize_lang(lang) if lang else i18n.default_language(),
                             dashboard_url=dashboard_url)
    report.trend_freq = "day" if period.days <= DAILY_TREND_MAX_DAYS else "week"
    if details:
        for card in cards:
            key = (card.agent_id, card.team)
            report.trends[key] = agent_trend(
                source, card.agent_id, start, end, freq=report.trend_freq, team=card.team, agency=agency, tz=tz
            )
            report.worst[key] = worst_findings(
                source, card.agent_id, start, end, limit=worst_limit, team=card.team, agency=agency, tz=tz
            )
    return report


def _writer(fmt: str) -> Callable[[ScorecardReport, BinaryIO], None]:
    if fmt == "csv":
        from audit.exports.csv_export import write_csv

        return write_csv
    if fmt == "xlsx":
        from audit.exports.xlsx_export import write_xlsx

        return write_xlsx
    if fmt == "pdf":
        from audit.exports.pdf_export import write_pdf

        return write_pdf
    raise ValueError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")


def report_bytes(report: ScorecardReport, fmt: str) -> bytes:
    """The export file's bytes (for a download button)."""
    buffer = io.BytesIO()
    with i18n.language(report.lang):
        _writer(fmt)(report, buffer)
    return buffer.getvalue()


def write_report(report: ScorecardReport, fmt: str, out: str | Path | BinaryIO) -> None:
    """Write the report as ``fmt`` to a path (parent folders are created) or a binary file."""
    writer = _writer(fmt)
    with i18n.language(report.lang):
        if isinstance(out, (str, Path)):
            path = Path(out)
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as handle:
                writer(report, handle)
        else:
            writer(report, out)


__all__ = ["FORMATS", "ScorecardReport", "build_report", "report_bytes", "write_report"]
