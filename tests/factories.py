"""A small, realistic audited data set for dashboard, query and review tests.

Four agents in three teams, eight contacts over three days (calls, a home visit, an unanswered
dial attempt, a recording that failed), diarized transcripts with a phone number and a bank-card
number spoken in them, and findings in every review state. :func:`seed` writes it through
:mod:`audit.models`; :data:`EXPECTED` spells out the figures the queries must produce, derived
by hand from the rows below so a wrong aggregate cannot agree with it by construction.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy.engine import Engine

from audit import models
from audit.paths import file_sha256
from audit.storage import session

CST = timezone(timedelta(hours=8))
SIREN = "《商业银行信用卡业务监督管理办法》第六十九条"
GUIDE = "《金融机构个人消费类贷款催收工作指引（试行）》"

AGENTS = [
    ("A017", "李娜", "一组", "招商银行信用卡中心"),
    ("A021", "王芳", "一组", "招商银行信用卡中心"),
    ("B203", "赵强", "网贷二组", "鼎信催收服务有限公司"),
    ("V301", "陈刚", "外访组", "鼎信催收服务有限公司"),
]
_TEAM = {a[0]: (a[2], a[3]) for a in AGENTS}


def _t(day: int, hh: int, mm: int = 0) -> datetime:
    return datetime(2026, 11, day, hh, mm, tzinfo=CST)


# call_id, agent, kind, local time (t-003 at 00:10 local is still 11-03 in UTC: day grouping must
# use the business time zone), creditor, product, status, score, passed, outcome. Scores follow the
# scoring policy by hand (100 minus low 5 / medium 10 / high 25 / critical 50 per finding not
# dismissed; a critical finding fails the contact).
CONTACTS = [
    ("t-001", "A017", "call", _t(2, 10, 15), "招商银行", "credit_card", "audited", 100.0, True, "answered"),
    ("t-002", "B203", "call", _t(2, 14, 40), "速借花网络小贷", "online_loan", "audited", 25.0, False, "answered"),
    ("t-003", "A021", "call", _t(4, 0, 10), "招商银行", "credit_card", "audited", 40.0, False, "answered"),
    ("t-004", "A017", "call", _t(3, 9, 30), "招商银行", "credit_card", "audited", 100.0, True, "answered"),
    ("t-005", "V301", "visit", _t(4, 15, 0), "速借花网络小贷", "online_loan", "audited", 65.0, True, "answered"),
    ("t-006", "A017", "call", _t(4, 9, 5), "招商银行", "credit_card", "no_recording", 100.0, True, "no_answer"),
    ("t-007", "B203", "call", _t(4, 16, 20), "速借花网络小贷", "online_loan", "failed", None, None, "answered"),
    ("t-008", "A021", "call", _t(4, 11, 0), "招商银行", "credit_card", "audited", 95.0, True, "answered"),
]

# call_id -> [(speaker, role, start, end, text)]
SEGMENTS = {
    "t-001": [
        ("S0", "agent", 0.5, 4.2, "您好，我是招商银行信用卡中心的工作人员，工号三七二一。"),
        ("S1", "debtor", 4.8, 7.9, "你好，我这个月手头有点紧。"),
        ("S0", "agent", 8.3, 13.0, "理解您的情况，我们可以帮您申请分期还款。"),
        ("S1", "debtor", 13.5, 18.0, "好的，你们可以打我另一个号码13812345678联系我。"),
    ],
    "t-002": [
        ("S0", "agent", 0.6, 4.7, "喂，是机主本人吗？我是速借花委托的催收专员。"),
        ("S1", "debtor", 5.4, 8.5, "是我，下个月发工资就还。"),
        ("S0", "agent", 9.1, 12.5, "下个月？你这种老赖说的话谁信啊。"),
        ("S0", "agent", 14.7, 19.6, "今天不还，我就把你欠钱的事发给你通讯录里所有人。"),
        ("S1", "debtor", 20.0, 22.8, "你们这是暴力催收，我要投诉。"),
    ],
    "t-003": [
        ("S0", "agent", 0.4, 3.9, "这么晚打扰了，我是招商银行委托的。"),
        ("S1", "debtor", 4.2, 6.0, "都几点了还打电话？"),
        ("S0", "agent", 6.5, 12.8, "你现在把钱转到卡号六二二二零二一二三四五六七八九零一二三这个账户就行。"),
        ("S1", "debtor", 13.1, 15.0, "这不是你们公司的账户吧？"),
    ],
    "t-004": [
        ("S0", "agent", 0.5, 3.8, "您好，招商银行信用卡中心。"),
        ("S0", "agent", 4.1, 9.6, "如果一直不还，银行可能会依法起诉。"),
        ("S1", "debtor", 10.0, 12.2, "我知道了，月底前还。"),
    ],
    "t-005": [
        ("S0", "agent", 1.0, 5.5, "您好，我们是鼎信催收服务有限公司的，受速借花委托上门。"),
        ("S1", "relative", 6.0, 9.0, "他不在家，我是他妈妈。"),
        ("S0", "agent", 9.8, 15.1, "麻烦您转告他尽快联系我们，电话幺三九零零零零一二三四。"),
    ],
    "t-008": [
        ("S0", "agent", 0.4, 3.0, "喂，您好。"),
        ("S1", "debtor", 3.5, 5.0, "你是哪里？"),
        ("S0", "agent", 5.4, 9.9, "关于您的账单，请您尽快处理。"),
    ],
}

# call_id, rule_id, category, severity, speaker/role, start, end, evidence, review_status, reason
FINDINGS = [
    ("t-002", "ABUSE-INSULT", "ABUSE", "high", "S0", "agent", 9.1, 12.5, "老赖", "open", None),
    ("t-002", "THREAT-CONTACTS", "THREAT_THIRD_PARTY", "critical", "S0", "agent", 14.7, 19.6,
     "发给你通讯录里所有人", "open", None),
    ("t-003", "TIME-QUIET", "CONTACT_HOURS", "medium", None, None, None, None, "", "open", None),
    ("t-003", "PAY-PERSONAL", "CASH_OR_CARD_REQUEST", "critical", "S0", "agent", 6.5, 12.8,
     "把钱转到卡号六二二二零二一二三四五六七八九零一二三", "confirmed", None),
    ("t-004", "LEGAL-FALSE", "FALSE_AUTHORITY", "high", "S0", "agent", 4.1, 9.6, "依法起诉", "dismissed",
     "如实告知可能起诉，不属于虚假法律后果"),
    ("t-005", "VISIT-STAFF", "VISIT_STAFFING", "high", None, None, None, None, "", "open", None),
    ("t-005", "VISIT-DOCS", "VISIT_PROCEDURE", "medium", None, None, None, None, "", "confirmed", None),
    ("t-008", "ID-MISSING", "MISSING_IDENTIFICATION", "low", None, None, None, None, "", "appealed",
     "我在开头说了公司名称"),
]


@dataclass(frozen=True)
class Expected:
    """Figures the queries must return for the unfiltered, unscoped data set."""

    contacts: int = 8
    audited: int = 7  # 6 audited + 1 no_recording
    passed: int = 5  # t-001, t-004 (only a dismissed finding), t-005 (no critical), t-006, t-008
    not_passed: int = 2  # t-002, t-003: critical findings
    errors: int = 1  # t-007
    findings: int = 7  # 8 minus the dismissed one
    critical: int = 2
    open_findings: int = 5  # 4 open (t-002 x2, t-003 hours, t-005 staffing) + 1 appealed (t-008)


EXPECTED = Expected()


def seed(engine: Engine, *, audio: dict[str, Path] | None = None) -> None:
    """Write the data set into an initialised database.

    Args:
        engine: A database with the current schema (``init_db``).
        audio: Optional call_id → audio file, stored as the contact's ``audio_path``.
    """
    audio = audio or {}
    with session(engine) as s:
        run_id = None
        if audio:  # the recordings were audited by a run that read their folder
            folder = os.path.commonpath([str(Path(p).resolve().parent) for p in audio.values()])
            run = models.AuditRun(input_dir=folder, rule_pack_version="cn-default-test", status="ok")
            s.add(run)
            s.flush()
            run_id = run.id
        for agent_id, name, team, agency in AGENTS:
            s.add(models.Agent(agent_id=agent_id, name=name, team=team, agency=agency))
        s.flush()
        for call_id, agent_id, kind, started, creditor, product, status, score, passed, outcome in CONTACTS:
            team, agency = _TEAM[agent_id]
            s.add(models.Contact(
                call_id=call_id, kind=kind, started_at=started, talk_seconds=30.0, outcome=outcome,
                agent_id=agent_id, debtor_id=f"D-{call_id}", team=team, agency=agency, creditor=creditor,
                product=product, days_past_due=45, visit_staff=1 if kind == "visit" else None,
                channel_layout="mono" if call_id in SEGMENTS else None,
                audio_path=str(audio[call_id]) if call_id in audio else None,
                audio_sha256=file_sha256(audio[call_id]) if call_id in audio else None,
                run_id=run_id if call_id in audio else None,
                duration_s=20.0 if call_id in SEGMENTS else None, status=status,
                failure_reason="audio could not be decoded: invalid data" if status == "failed" else None,
                score=score, passed=passed,
                finding_count=sum(1 for f in FINDINGS if f[0] == call_id and f[9] != "dismissed"),
                rule_pack_version="cn-default-test", audited_at=started + timedelta(hours=12),
            ))
        s.flush()
        for call_id, segments in SEGMENTS.items():
            for idx, (speaker, role, start, end, text) in enumerate(segments):
                s.add(models.Segment(call_id=call_id, idx=idx, speaker=speaker, role=role, start=start, end=end,
                                     text=text, confidence=0.9))
        for call_id, rule_id, cat, sev, speaker, role, start, end, evidence, review, reason in FINDINGS:
            s.add(models.Finding(
                call_id=call_id, rule_id=rule_id, category=cat, severity=sev, title=f"{cat} ({rule_id})",
                citation=GUIDE if cat != "CASH_OR_CARD_REQUEST" else SIREN, speaker=speaker, role=role,
                start=start, end=end, evidence=evidence, review_status=review, review_reason=reason,
                reviewed_by="seed" if review != "open" else None,
                reviewed_at=datetime(2026, 11, 5, tzinfo=UTC) if review != "open" else None,
            ))
        s.commit()
