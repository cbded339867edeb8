"""Scorecards as PDF: one A4 page per agent (reportlab).

Chinese is set in an **embedded** TrueType CJK font, subset to the glyphs the report uses, so
any reader shows the same characters, with or without Asian fonts installed; each subset
carries a ToUnicode map, so copy/paste and text extractors return the characters that were
written. The font is, in this order:

1. ``$AUDIT_PDF_FONT`` (a ``.ttf`` or ``.ttc`` path; ``path.ttc#1`` picks a face of a
   collection). An override that cannot be read is an error, never silently replaced.
2. The first system font of :data:`SYSTEM_FONTS` that exists (Debian ``fonts-wqy-microhei`` /
   ``fonts-wqy-zenhei`` / ``fonts-arphic-*``; ``make fonts`` installs one), then any
   TrueType Chinese font fontconfig knows (``fc-list :lang=zh``).
3. Only when none is found: ``STSong-Light``, an Adobe-standard CID font that is *not*
   embedded (readers without the Adobe Asian font pack show boxes), with a warning in the log.

reportlab reads TrueType outlines only: OpenType/CFF fonts (``fonts-noto-cjk``'s ``.ttc``) are
skipped.

Each page: who and when, the key figures with the change vs the previous period, findings per
100 contacts by category, a trend chart of the average score, and the agent's worst findings
with the contact time and the time inside the recording.

Table cells holding outside text (rule id, evidence) go through
:func:`audit.exports.cells.safe_cell` like the CSV and Excel cells: a PDF runs no formulas, but a
row copied out of it into a spreadsheet should read the same as the Excel export.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path
from typing import BinaryIO

from audit import i18n
from audit.exports.cells import safe_cell
from audit.exports.columns import detector_label
from audit.exports.report import ScorecardReport
from audit.i18n import _, pgettext
from audit.links import call_link
from audit.read.agents import TrendPoint, WorstFinding
from audit.scorecards import AgentScorecard
from audit.settings import get_settings

log = logging.getLogger(__name__)

FONT_ENV = "AUDIT_PDF_FONT"
CID_FONT = "STSong-Light"  # the non-embedded last resort
# Smallest first: the whole file is parsed once per process before subsetting.
SYSTEM_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
FONT_PACKAGE = "fonts-wqy-microhei"
EVIDENCE_CHARS = 120  # a finding's evidence is cut here; the evidence pack has the full text
_PROBE = "坐席合规评分卡违规驳回"  # a font without these glyphs would print boxes

_resolved: dict[str | None, str] = {}


def _split_face(spec: str) -> tuple[str, int]:
    """``font.ttc#2`` -> (``font.ttc``, 2); a plain path is face 0."""
    path, sep, index = spec.rpartition("#")
    if sep and index.isdigit():
        return path, int(index)
    return spec, 0


def _load_ttf(spec: str, name_prefix: str = "AuditCJK"):
    """Parse a TrueType font (face ``#n`` of a collection) that has Chinese glyphs.

    Returns:
        A registrable reportlab ``TTFont``.

    Raises:
        ValueError: the file is missing, not TrueType, or has no Chinese glyphs.
    """
    from reportlab.pdfbase.ttfonts import TTFont

    path, index = _split_face(spec)
    if not Path(path).is_file():
        raise ValueError(f"{path}: no such font file")
    name = f"{name_prefix}-{Path(path).stem}-{index}"
    try:
        font = TTFont(name, path, subfontIndex=index)
    except Exception as exc:  # reportlab raises its own TTFError, and OSError/IndexError
        raise ValueError(f"{spec}: cannot embed this font ({exc})") from exc
    missing = [ch for ch in _PROBE if ord(ch) not in font.face.charToGlyph]
    if missing:
        raise ValueError(f"{spec}: the font has no glyph for {''.join(missing)!r} (not a Chinese font)")
    return font


def _fontconfig_candidates() -> list[str]:
    """TrueType files fontconfig lists for Chinese (empty without fontconfig)."""
    if not shutil.which("fc-list"):
        return []
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10,
                             check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    files = sorted({line.split(":")[0].strip() for line in out.splitlines() if line.strip()})
    return [f for f in files if f.lower().endswith((".ttf", ".ttc"))]


def register_font() -> str:
    """Register the Chinese font once per process and return its reportlab name.

    Raises:
        ValueError: ``$AUDIT_PDF_FONT`` is set but unusable (the message names it and the fix).
    """
    from reportlab.pdfbase import pdfmetrics

    override = get_settings().pdf_font
    if override in _resolved:
        return _resolved[override]
    if override:
        try:
            font = _load_ttf(override)
        except ValueError as exc:
            raise ValueError(
                f"{FONT_ENV}={override}: {exc}; point it at a TrueType .ttf/.ttc with Chinese glyphs "
                f"(for example /usr/share/fonts/truetype/wqy/wqy-microhei.ttc from `apt-get install "
                f"{FONT_PACKAGE}`), or unset it"
            ) from exc
        pdfmetrics.registerFont(font)
        _resolved[override] = font.fontName
        return font.fontName
    tried: list[str] = []
    for candidate in [*SYSTEM_FONTS, *_fontconfig_candidates()]:
        if candidate in tried or not Path(_split_face(candidate)[0]).is_file():
            continue
        tried.append(candidate)
        try:
            font = _load_ttf(candidate)
        except ValueError as exc:
            log.debug("skipping PDF font %s", exc)
            continue
        pdfmetrics.registerFont(font)
        _resolved[override] = font.fontName
        return font.fontName
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    log.warning(
        "no embeddable Chinese TrueType font found (looked for %s): the scorecard PDF falls back to "
        "the non-embedded %s, which readers without the Adobe Asian font pack show as boxes; run "
        "`make fonts` (apt-get install %s) or set %s=/path/to/font.ttf",
        ", ".join(dict.fromkeys([*SYSTEM_FONTS, *tried])), CID_FONT, FONT_PACKAGE, FONT_ENV,
    )
    if CID_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    _resolved[override] = CID_FONT
    return CID_FONT


def fmt_num(value: float | None, digits: int = 1, suffix: str = "") -> str:
    return "—" if value is None else f"{value:.{digits}f}{suffix}"


def fmt_change(value: float | None, digits: int = 1, suffix: str = "") -> str:
    return "" if value is None else f"{value:+.{digits}f}{suffix}"


def fmt_offset(seconds: float | None) -> str:
    if seconds is None:
        return ""
    seconds = max(0.0, float(seconds))
    return f"{int(seconds // 60):02d}:{seconds % 60:04.1f}"


def _styles(font: str) -> dict:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("base", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=16, leading=20, spaceAfter=4),
        "sub": ParagraphStyle("sub", parent=base, fontSize=10, leading=14, textColor=colors.HexColor("#333333")),
        "h2": ParagraphStyle("h2", parent=base, fontSize=11, leading=15, spaceBefore=8, spaceAfter=4,
                             textColor=colors.HexColor("#1F4E78")),
        "cell": base,
        "centre": ParagraphStyle("centre", parent=base, alignment=1),
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=10, textColor=colors.grey),
    }


def _table_style(font: str, header_rows: int = 1):
    from reportlab.lib import colors
    from reportlab.platypus import TableStyle

    return TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#1F4E78")),
        ("TEXTCOLOR", (0, 0), (-1, header_rows - 1), colors.white),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#B7C9DB")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ])


def score_colour(score: float | None):
    from reportlab.lib import colors

    if score is None:
        return colors.white
    if score < 60:
        return colors.HexColor("#FFC7CE")
    if score < 80:
        return colors.HexColor("#FFEB9C")
    return colors.HexColor("#C6EFCE")


def trend_chart(points: list[TrendPoint], font: str, freq: str, width: float, height: float = 120):
    """Average score per bucket (0–100) as a line; buckets without contacts leave a gap."""
    from reportlab.graphics.charts.lineplots import LinePlot
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.graphics.widgets.markers import makeMarker
    from reportlab.lib import colors

    drawing = Drawing(width, height)
    data = [(i, p.avg_score) for i, p in enumerate(points) if p.avg_score is not None]
    if not data:
        drawing.add(String(width / 2, height / 2, _("No contacts audited in this period"), fontName=font,
                           fontSize=9, textAnchor="middle"))
        return drawing
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 32, 22, width - 48, height - 34
    plot.data = [data]
    plot.lines[0].strokeColor = colors.HexColor("#1F4E78")
    plot.lines[0].strokeWidth = 1.4
    plot.lines[0].symbol = makeMarker("FilledCircle", size=3)
    plot.joinedLines = 1
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax, plot.yValueAxis.valueStep = 0, 100, 20
    plot.yValueAxis.labels.fontName = font
    plot.yValueAxis.labels.fontSize = 7
    plot.yValueAxis.visibleGrid = 1
    plot.yValueAxis.gridStrokeColor = colors.HexColor("#E0E0E0")
    n = len(points)
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = -0.5, max(n - 0.5, 0.5)
    step = max(1, round(n / 8))
    plot.xValueAxis.valueSteps = list(range(0, n, step))
    plot.xValueAxis.labelTextFormat = lambda i: points[int(i)].start.strftime("%m-%d") if 0 <= int(i) < n else ""
    plot.xValueAxis.labels.fontName = font
    plot.xValueAxis.labels.fontSize = 7
    drawing.add(plot)
    label = _("Average score (by day)") if freq == "day" else _("Average score (by week, from Monday)")
    drawing.add(String(plot.x, height - 9, label, fontName=font, fontSize=8, fillColor=colors.HexColor("#333333")))
    return drawing


def _figures_table(card: AgentScorecard, font: str):
    from reportlab.platypus import Table

    rank = "—" if card.rank_in_team is None else f"{card.rank_in_team}/{card.team_size}"
    header = [pgettext("scorecard", "Audited"), pgettext("scorecard", "Calls"),
              pgettext("scorecard", "Visits"), pgettext("scorecard", "Assisted"),
              pgettext("scorecard", "Unanswered"), pgettext("scorecard", "Average score"),
              pgettext("scorecard", "vs previous"), pgettext("scorecard", "Pass rate"),
              pgettext("scorecard", "vs previous"), pgettext("scorecard", "Findings per 100"),
              pgettext("scorecard", "Critical findings"), pgettext("scorecard", "Rank in team")]
    values = [
        str(card.contacts), str(card.calls_audited), str(card.visits_audited), str(card.visits_assisted),
        str(card.dial_attempts),
        fmt_num(card.avg_score), fmt_change(card.score_change),
        fmt_num(None if card.pass_rate is None else 100 * card.pass_rate, suffix="%"),
        fmt_change(None if card.pass_rate_change is None else 100 * card.pass_rate_change),
        fmt_num(card.findings_per_100), str(card.critical_findings), rank,
    ]
    table = Table([header, values])
    style = _table_style(font)
    style.add("BACKGROUND", (5, 1), (5, 1), score_colour(card.avg_score))
    style.add("FONTSIZE", (0, 1), (-1, 1), 10)
    table.setStyle(style)
    return table


def _conduct_table(card: AgentScorecard, font: str):
    """The conduct figures measured from the recordings (per-contact averages)."""
    from reportlab.platypus import Table

    header = [_("Agent talk share"), _("Talk-overs per call"), _("Longest silence"), _("Pace"),
              _("Raised voice per call")]
    values = [fmt_num(None if card.talk_share is None else 100 * card.talk_share, suffix="%"),
              fmt_num(card.interruptions, 2), fmt_num(card.longest_silence_s, suffix=_(" s")),
              fmt_num(card.pace_cps, suffix=_(" characters/s")), fmt_num(card.raised_voice_s, suffix=_(" s"))]
    table = Table([header, values])
    table.setStyle(_table_style(font))
    return table


def _category_table(card: AgentScorecard, font: str):
    from reportlab.platypus import Table

    rows = [[pgettext("scorecard", "Category"), pgettext("scorecard", "Findings"),
             pgettext("scorecard", "Per 100")]]
    for cat, n in sorted(card.findings_by_category.items(), key=lambda kv: (-kv[1], kv[0])):
        rows.append([i18n.category_label(cat), str(n), fmt_num(card.findings_per_100_by_category.get(cat))])
    rows.append([pgettext("scorecard", "Review"),
                 _("confirmed {confirmed} · dismissed {dismissed}").format(confirmed=card.confirmed,
                                                                         dismissed=card.dismissed),
                 _("open {open} · appealed {appealed}").format(open=card.open, appealed=card.appealed)])
    table = Table(rows, colWidths=[120, 150, 150])
    table.setStyle(_table_style(font))
    return table


def _call(f: WorstFinding, dashboard_url: str | None) -> str:
    """The call id, as a link to the call at the finding's second when the dashboard's address is known."""
    from xml.sax.saxutils import escape, quoteattr

    link = call_link(dashboard_url, f.call_id, f.start)
    if link is None:
        return escape(f.call_id)
    return f'<a href={quoteattr(link)} color="#1F4E78"><u>{escape(f.call_id)}</u></a>'


def _worst_table(findings: list[WorstFinding], styles: dict, font: str, width: float,
                 dashboard_url: str | None = None):
    from xml.sax.saxutils import escape

    from reportlab.platypus import Paragraph, Table

    rows = [[pgettext("scorecard", "Contact time"), pgettext("scorecard", "In recording"),
             pgettext("scorecard", "Severity"), pgettext("scorecard", "Category"),
             pgettext("scorecard", "Rule"),
             pgettext("scorecard", "Evidence"), pgettext("scorecard", "Review")]]
    for f in findings:
        evidence = f.evidence if len(f.evidence) <= EVIDENCE_CHARS else f.evidence[:EVIDENCE_CHARS] + "…"
        # Start and end on two lines: an embedded CJK font sets digits wider than the column.
        offset = fmt_offset(f.start) + (f"–<br/>{fmt_offset(f.end)}" if f.end is not None else "")
        rows.append([
            Paragraph(f"{f.contact_started_at:%Y-%m-%d %H:%M}<br/>{_call(f, dashboard_url)}", styles["cell"]),
            Paragraph(offset, styles["centre"]) if offset else _("whole call"),
            i18n.severity_label(f.severity),
            Paragraph(escape(i18n.category_label(f.category)), styles["cell"]),
            Paragraph(escape(safe_cell(f.rule_id)) + (f"<br/>{escape(detector_label(f.detector, f.confidence))}"
                                                      if f.detector else ""), styles["cell"]),
            Paragraph(escape(safe_cell(evidence)) or "—", styles["cell"]),
            i18n.review_label(f.review_status),
        ])
    widths = [78, 62, 34, 58, 60, width - 78 - 62 - 34 - 58 - 60 - 40, 40]
    table = Table(rows, colWidths=widths, repeatRows=1)
    style = _table_style(font)
    style.add("ALIGN", (5, 1), (5, -1), "LEFT")
    for i, f in enumerate(findings, start=1):
        if f.severity == "critical":
            style.add("TEXTCOLOR", (2, i), (2, i), "#9C0006")
    table.setStyle(style)
    return table


def write_pdf(report: ScorecardReport, out: BinaryIO) -> None:
    """One page per agent, in the report's order (team, then rank)."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer

    font = register_font()
    styles = _styles(font)
    margin = 15 * mm
    width = A4[0] - 2 * margin
    period = report.period
    prev = period.previous()

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.drawString(margin, 9 * mm,
                          _("Generated {time} · dismissed findings count in no figure · filters: {filters}")
                          .format(time=f"{report.generated_at:%Y-%m-%d %H:%M}",
                                  filters=report.filters_text()))
        canvas.drawRightString(A4[0] - margin, 9 * mm, _("page {n}").format(n=doc.page))
        canvas.restoreState()

    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin, bottomMargin=16 * mm,
        title=_("Agent compliance scorecards {start} to {end}").format(start=period.start.isoformat(),
                                                                       end=period.end.isoformat()),
        author="callaudit",
    )
    story: list = []
    if not report.cards:
        story.append(Paragraph(_("Agent compliance scorecards"), styles["title"]))
        story.append(Paragraph(_("{start} to {end}: no contacts in this period (filters: {filters}).").format(
            start=period.start.isoformat(), end=period.end.isoformat(),
            filters=escape(report.filters_text())), styles["sub"]))
    for n, card in enumerate(report.cards):
        if n:
            story.append(PageBreak())
        key = (card.agent_id, card.team)
        story.append(Paragraph(_("Agent compliance scorecard · {name} ({id})").format(
            name=escape(card.agent_name or card.agent_id), id=escape(card.agent_id)), styles["title"]))
        story.append(Paragraph(
            _("Team: {team}　Agency: {agency}").format(team=escape(card.team or "—"),
                                                       agency=escape(card.agency or "—"))
            + "<br/>"
            + _("Period: {start} to {end}　Compared with: {pstart} to {pend} ({n} contacts audited then)")
            .format(start=period.start.isoformat(), end=period.end.isoformat(), pstart=prev.start.isoformat(),
                    pend=prev.end.isoformat(), n=card.prev_contacts),
            styles["sub"],
        ))
        story.append(Spacer(1, 6))
        story.append(_figures_table(card, font))
        if card.failed:
            story.append(Paragraph(_("Another {n} contacts could not be audited (recording missing or "
                                     "undecodable) and are not in the figures above.").format(n=card.failed),
                                   styles["small"]))
        story.append(Paragraph(_("Conduct (measured from the recordings, average per call)"), styles["h2"]))
        story.append(_conduct_table(card, font))
        story.append(Paragraph(_("Findings by category (per 100 contacts audited)"), styles["h2"]))
        story.append(_category_table(card, font))
        story.append(Paragraph(_("Trend"), styles["h2"]))
        story.append(trend_chart(report.trends.get(key, []), font, report.trend_freq, width))
        worst = report.worst.get(key, [])
        title = Paragraph(_("Most severe findings"), styles["h2"])
        if worst:
            table = _worst_table(worst, styles, font, width, report.dashboard_url)
            story.append(KeepTogether([title, table]))
        else:
            none = Paragraph(_("No findings that were not dismissed in this period."), styles["cell"])
            story.append(KeepTogether([title, none]))
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
