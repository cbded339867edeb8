"""The scorecard table: one column list shared by CSV, Excel and the dashboard.

Headers are in the report's language (:mod:`audit.i18n`; Chinese by default: the files go to
managers in Chinese Excel); ``key`` is the stable machine name (an
:class:`~audit.scorecards.AgentScorecard` attribute) that tests and the dashboard use. Rates
are exported as percentages (0–100), so the CSV reads the same as the Excel cells show.
The ``*_LABELS`` tables are the Chinese vocabulary (the catalog gives the same words).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from audit import i18n
from audit.i18n import N_, _
from audit.scorecards import CATEGORIES, AgentScorecard

CATEGORY_LABELS: dict[str, str] = {
    "ABUSE": "辱骂",
    "THREAT_VIOLENCE": "暴力恐吓",
    "THREAT_THIRD_PARTY": "威胁告知第三方",
    "THIRD_PARTY_DISCLOSURE": "向第三方泄露",
    "FALSE_AUTHORITY": "冒充公检法",
    "CASH_OR_CARD_REQUEST": "索要现金/银行卡",
    "MISSING_IDENTIFICATION": "未表明身份",
    "VISIT_PROCEDURE": "外访程序",
    "VISIT_ELIGIBILITY": "外访条件",
    "VISIT_STAFFING": "外访人数",
    "CONTACT_HOURS": "联系时段",
    "CONTACT_FREQUENCY": "联系频次",
    "RECORDING_INTEGRITY": "录音完整性",
    "CONDUCT": "语气态度",
}
SEVERITY_LABELS = {"critical": "严重", "high": "高", "medium": "中", "low": "低"}
REVIEW_LABELS = {"open": "待复核", "confirmed": "已确认", "dismissed": "已驳回", "appealed": "申诉中",
                 "suspected": "疑似"}
# what raised a finding (audit.rules.model.detector_label)
DETECTOR_LABELS = {"lexicon": "词表", "cooccurrence": "共现", "regex": "正则", "frame": "句式", "similar": "相似句",
                   "model": "模型", "required": "必述", "metadata": "元数据", "log": "拨打记录",
                   "raised_voice": "音量", "overtalk": "抢话", "dead_air": "静默", "speech_rate": "语速"}


def detector_label(detector: str, confidence: float = 1.0) -> str:
    """The detector in Chinese, with the confidence when below 1 ("模型 0.83"); "" when not recorded."""
    label = DETECTOR_LABELS.get(detector, detector)
    return f"{label} {confidence:.2f}" if label and confidence < 1.0 else label


def _pct(value: float | None) -> float | None:
    return None if value is None else 100.0 * value


@dataclass(frozen=True)
class Column:
    """One exported column: machine key, header (an English catalog message), value getter and
    Excel number format."""

    key: str
    header: str
    get: Callable[[AgentScorecard], Any]
    number_format: str | None = None  # None: text or integer
    width: float = 10
    category: str | None = None  # a per-category column: its header names the category

    @property
    def label(self) -> str:
        """The header in the current language."""
        if self.category is not None:
            return _("per 100 · {category}").format(category=i18n.category_label(self.category))
        return _(self.header)


def _attr(name: str) -> Callable[[AgentScorecard], Any]:
    return lambda card: getattr(card, name)


def _per100(cat: str) -> Callable[[AgentScorecard], Any]:
    return lambda c: c.findings_per_100_by_category.get(cat, 0.0) if c.contacts else None


SCORE_FORMAT = "0.0"
CHANGE_FORMAT = "+0.0;-0.0;0.0"

COLUMNS: tuple[Column, ...] = (
    Column("agent_id", N_("Agent ID"), _attr("agent_id"), width=9),
    Column("agent_name", N_("Name"), _attr("agent_name"), width=9),
    Column("team", N_("Team"), _attr("team"), width=11),
    Column("agency", N_("Agency"), _attr("agency"), width=24),
    Column("period_start", N_("From"), _attr("period_start"), "yyyy-mm-dd", width=11),
    Column("period_end", N_("To"), _attr("period_end"), "yyyy-mm-dd", width=11),
    Column("rank_in_team", N_("Rank in team"), _attr("rank_in_team"), "0", width=9),
    Column("team_size", N_("Team size"), _attr("team_size"), "0", width=9),
    Column("calls_audited", N_("Calls audited"), _attr("calls_audited"), "0", width=8),
    Column("visits_audited", N_("Visits audited"), _attr("visits_audited"), "0", width=8),
    Column("dial_attempts", N_("Unanswered dial attempts"), _attr("dial_attempts"), "0"),
    Column("contacts", N_("Contacts audited"), _attr("contacts"), "0"),
    Column("visits_assisted", N_("Visits assisted (led by another collector)"), _attr("visits_assisted"), "0"),
    Column("failed", N_("Audit failed"), _attr("failed"), "0", width=9),
    Column("avg_score", N_("Average score"), _attr("avg_score"), SCORE_FORMAT, width=8),
    Column("score_change", N_("Average score vs previous period"), _attr("score_change"), CHANGE_FORMAT,
           width=12),
    Column("pass_rate", N_("Pass rate (%)"), lambda c: _pct(c.pass_rate), SCORE_FORMAT),
    Column("pass_rate_change", N_("Pass rate vs previous period (points)"),
           lambda c: _pct(c.pass_rate_change), CHANGE_FORMAT, width=18),
    Column("findings", N_("Findings"), _attr("findings"), "0", width=8),
    Column("findings_per_100", N_("Findings per 100"), _attr("findings_per_100"), SCORE_FORMAT),
    Column("findings_per_100_change", N_("Findings per 100 vs previous period"),
           _attr("findings_per_100_change"), CHANGE_FORMAT, width=15),
    Column("critical_findings", N_("Critical findings"), _attr("critical_findings"), "0", width=9),
    Column("confirmed", N_("Confirmed"), _attr("confirmed"), "0", width=8),
    Column("dismissed", N_("Dismissed"), _attr("dismissed"), "0", width=8),
    Column("open", N_("Open"), _attr("open"), "0", width=8),
    Column("appealed", N_("Appealed"), _attr("appealed"), "0", width=8),
    # conduct, measured from the recordings (per-contact averages)
    Column("talk_share", N_("Agent talk share (%)"), lambda c: _pct(c.talk_share), SCORE_FORMAT, width=12),
    Column("interruptions", N_("Talk-overs per call"), _attr("interruptions"), "0.00", width=12),
    Column("longest_silence_s", N_("Longest silence (s)"), _attr("longest_silence_s"), SCORE_FORMAT, width=11),
    Column("pace_cps", N_("Pace (characters/s)"), _attr("pace_cps"), SCORE_FORMAT, width=10),
    Column("raised_voice_s", N_("Raised voice per call (s)"), _attr("raised_voice_s"), SCORE_FORMAT, width=11),
) + tuple(
    Column(
        f"per100_{cat}",
        N_("per 100 · {category}"),
        _per100(cat),
        SCORE_FORMAT,
        width=max(10, 2 * len(CATEGORY_LABELS.get(cat, cat)) + 6),
        category=cat,
    )
    for cat in CATEGORIES
)

def headers() -> tuple[str, ...]:
    """The header row in the current language."""
    return tuple(c.label for c in COLUMNS)


KEYS = tuple(c.key for c in COLUMNS)

DEFINITION_MESSAGES: tuple[tuple[str, str], ...] = (
    (N_("Contacts audited"),
     N_("Contacts the rules checked: calls and visits with a recording, plus unanswered dial attempts "
        "(checked by the metadata rules only, such as hours and frequency). Contacts whose audit failed "
        "count in no rate.")),
    (N_("Average score / pass rate"),
     N_("Over the contacts audited; each contact's score is recomputed from its findings that were not "
        "dismissed, and a contact with a critical finding does not pass.")),
    (N_("Findings per 100"), N_("Findings not dismissed ÷ contacts audited × 100.")),
    (N_("vs previous period"), N_("Compared with the period of the same number of days right before.")),
    (N_("Rank in team"),
     N_("By average score (higher first), pass rate, critical findings (fewer first); equal figures share "
        "a rank.")),
    (N_("Review"),
     N_("Dismissed findings count in none of the agent's figures, only in the Dismissed column.")),
    (N_("Conduct"),
     N_("Measured from the recordings, averaged over calls and visits with a recording: the agent's "
        "talk share, talk-overs per call (starting while the other party speaks, both speaking for at "
        "least 0.5 s), the longest silence, pace (characters a second) and seconds of raised voice per "
        "call (5 dB or more above the speaker's own level in that call).")),
)


def definitions() -> tuple[tuple[str, str], ...]:
    """What the figures mean, in the current language."""
    return tuple((_(term), _(text)) for term, text in DEFINITION_MESSAGES)


with i18n.language("zh_CN"):  # the Chinese files, as before the other languages
    HEADERS = headers()
    DEFINITIONS = definitions()


def row_values(card: AgentScorecard) -> list[Any]:
    """The card's values in :data:`COLUMNS` order (``None`` where a figure is undefined)."""
    return [col.get(card) for col in COLUMNS]
