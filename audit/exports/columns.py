"""The scorecard table: one column list shared by CSV, Excel and the dashboard.

Headers are Chinese (the files go to managers in Chinese Excel); ``key`` is the stable
machine name (an :class:`~audit.scorecards.AgentScorecard` attribute) that tests and the
dashboard use. Rates are exported as percentages (0–100), so the CSV reads the same as the
Excel cells show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

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
    """One exported column: machine key, Chinese header, value getter and Excel number format."""

    key: str
    header: str
    get: Callable[[AgentScorecard], Any]
    number_format: str | None = None  # None: text or integer
    width: float = 10


def _attr(name: str) -> Callable[[AgentScorecard], Any]:
    return lambda card: getattr(card, name)


SCORE_FORMAT = "0.0"
CHANGE_FORMAT = "+0.0;-0.0;0.0"

COLUMNS: tuple[Column, ...] = (
    Column("agent_id", "工号", _attr("agent_id"), width=9),
    Column("agent_name", "姓名", _attr("agent_name"), width=9),
    Column("team", "组别", _attr("team"), width=11),
    Column("agency", "机构", _attr("agency"), width=24),
    Column("period_start", "起始日期", _attr("period_start"), "yyyy-mm-dd", width=11),
    Column("period_end", "截止日期", _attr("period_end"), "yyyy-mm-dd", width=11),
    Column("rank_in_team", "组内排名", _attr("rank_in_team"), "0", width=9),
    Column("team_size", "组内人数", _attr("team_size"), "0", width=9),
    Column("calls_audited", "通话数", _attr("calls_audited"), "0", width=8),
    Column("visits_audited", "外访数", _attr("visits_audited"), "0", width=8),
    Column("dial_attempts", "未接通拨打", _attr("dial_attempts"), "0"),
    Column("contacts", "受检联系数", _attr("contacts"), "0"),
    Column("failed", "审核失败", _attr("failed"), "0", width=9),
    Column("avg_score", "平均分", _attr("avg_score"), SCORE_FORMAT, width=8),
    Column("score_change", "平均分较上期", _attr("score_change"), CHANGE_FORMAT, width=12),
    Column("pass_rate", "合格率(%)", lambda c: _pct(c.pass_rate), SCORE_FORMAT),
    Column("pass_rate_change", "合格率较上期(百分点)", lambda c: _pct(c.pass_rate_change), CHANGE_FORMAT, width=18),
    Column("findings", "违规数", _attr("findings"), "0", width=8),
    Column("findings_per_100", "每百次违规", _attr("findings_per_100"), SCORE_FORMAT),
    Column("findings_per_100_change", "每百次违规较上期", _attr("findings_per_100_change"), CHANGE_FORMAT, width=15),
    Column("critical_findings", "严重违规", _attr("critical_findings"), "0", width=9),
    Column("confirmed", "已确认", _attr("confirmed"), "0", width=8),
    Column("dismissed", "已驳回", _attr("dismissed"), "0", width=8),
    Column("open", "待复核", _attr("open"), "0", width=8),
    Column("appealed", "申诉中", _attr("appealed"), "0", width=8),
    # conduct, measured from the recordings (per-contact averages)
    Column("talk_share", "坐席说话占比(%)", lambda c: _pct(c.talk_share), SCORE_FORMAT, width=12),
    Column("interruptions", "每通抢话次数", _attr("interruptions"), "0.00", width=12),
    Column("longest_silence_s", "最长静默(秒)", _attr("longest_silence_s"), SCORE_FORMAT, width=11),
    Column("pace_cps", "语速(字/秒)", _attr("pace_cps"), SCORE_FORMAT, width=10),
    Column("raised_voice_s", "每通高声(秒)", _attr("raised_voice_s"), SCORE_FORMAT, width=11),
) + tuple(
    Column(
        f"per100_{cat}",
        f"每百次·{CATEGORY_LABELS[cat]}",
        (lambda c, cat=cat: c.findings_per_100_by_category.get(cat, 0.0) if c.contacts else None),
        SCORE_FORMAT,
        width=max(10, 2 * len(CATEGORY_LABELS[cat]) + 6),
    )
    for cat in CATEGORIES
)

HEADERS = tuple(c.header for c in COLUMNS)
KEYS = tuple(c.key for c in COLUMNS)

DEFINITIONS: tuple[tuple[str, str], ...] = (
    ("受检联系数", "规则已检查的联系：有录音的通话和外访，加上未接通的拨打（只检查时段、频次等元数据规则）。审核失败的不计入任何比率。"),
    ("平均分 / 合格率", "按受检联系计算；每次联系的分数由未驳回的违规重新计算，严重违规即不合格。"),
    ("每百次违规", "未驳回违规数 ÷ 受检联系数 × 100。"),
    ("较上期", "与紧接在前、天数相同的期间相比。"),
    ("组内排名", "按平均分（高者在前）、合格率、严重违规数（少者在前）；并列同名次。"),
    ("复核", "已驳回的违规不计入坐席的任何指标，只在“已驳回”列计数。"),
    ("通话表现", "由录音测得，按有录音的通话和外访平均：坐席说话占比、每通抢话次数（对方说话时开口且同时说话≥0.5秒）、"
              "最长静默、语速（每秒字数）、每通高声秒数（比本人在该通话中的常态音量高5分贝以上）。"),
)


def row_values(card: AgentScorecard) -> list[Any]:
    """The card's values in :data:`COLUMNS` order (``None`` where a figure is undefined)."""
    return [col.get(card) for col in COLUMNS]
