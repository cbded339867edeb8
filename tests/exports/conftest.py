"""A small, realistic scorecard database: two teams, five agents, October and November.

Seeded through :mod:`audit.models` on the parametrized ``engine`` fixture (SQLite and
PostgreSQL). :func:`expected_figures` recomputes every agent's figures from the ORM rows in
plain Python, independently of the SQL in :mod:`audit.scorecards`, so export tests compare the
files against the database rather than against the code under test.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import select

from audit import models
from audit.storage import session

CST = timezone(timedelta(hours=8))
NOV = (date(2026, 11, 1), date(2026, 11, 30))

AGENTS = [
    ("A017", "李娜", "一组", "招商银行信用卡中心"),
    ("A022", "陈刚", "一组", "招商银行信用卡中心"),
    ("A031", "王芳", "一组", "招商银行信用卡中心"),
    ("B203", "赵强", "网贷二组", "鼎信催收服务有限公司"),
    ("B211", "孙磊", "网贷二组", "鼎信催收服务有限公司"),
]

# (call_id, agent, kind, status, local start, [(category, severity, review, start, evidence)])
CONTACTS = [
    ("n01", "A017", "call", "audited", (11, 2, 10, 15), [
        ("ABUSE", "high", "confirmed", 12.4, "你这种人就是个老赖，脸都不要了"),
    ]),
    ("n02", "A017", "call", "audited", (11, 3, 11, 5), [
        ("FALSE_AUTHORITY", "critical", "open", 20.0, "我们已经报案了，明天公安就上门抓你"),
        ("MISSING_IDENTIFICATION", "medium", "dismissed", None, ""),
    ]),
    ("n03", "A017", "visit", "audited", (11, 9, 15, 0), [
        ("VISIT_PROCEDURE", "medium", "open", None, "外访未出示工作证"),
    ]),
    ("n04", "A017", "call", "no_recording", (11, 9, 22, 40), [
        ("CONTACT_HOURS", "high", "appealed", None, "22:40 拨打"),
    ]),
    ("n05", "A017", "call", "failed", (11, 10, 9, 0), []),
    ("n06", "A017", "call", "audited", (11, 20, 9, 30), []),
    ("n07", "A022", "call", "audited", (11, 4, 14, 0), []),
    ("n08", "A022", "call", "audited", (11, 18, 16, 20), [
        ("THIRD_PARTY_DISCLOSURE", "high", "confirmed", 31.5, "你儿子欠了我们两万块，你让他赶紧还"),
    ]),
    ("n09", "A022", "visit", "audited", (11, 25, 10, 0), []),
    ("n10", "A031", "call", "audited", (11, 6, 10, 0), [
        ("THREAT_THIRD_PARTY", "high", "dismissed", 8.0, "我们会联系您的紧急联系人核实"),
    ]),
    ("n11", "B203", "call", "audited", (11, 2, 14, 40), [
        ("CASH_OR_CARD_REQUEST", "critical", "confirmed", 40.2, "你把钱转到我个人微信上，我帮你销账"),
        ("ABUSE", "high", "open", 55.0, "废物一个"),
    ]),
    ("n12", "B203", "call", "audited", (11, 12, 8, 30), []),
    ("n13", "B211", "call", "audited", (11, 3, 16, 20), [
        ("THREAT_VIOLENCE", "critical", "open", 18.7, "再不还钱小心你的腿"),
    ]),
    ("n14", "B211", "call", "no_recording", (11, 3, 16, 25), []),
    ("n15", "B211", "call", "audited", (11, 30, 23, 50), [
        ("CONTACT_HOURS", "high", "open", None, "23:50 通话"),
    ]),
    # October: the previous period for a November report.
    ("o01", "A017", "call", "audited", (10, 8, 10, 0), [("ABUSE", "low", "open", 5.0, "烦死了")]),
    ("o02", "A017", "call", "audited", (10, 21, 10, 0), []),
    ("o03", "B203", "call", "audited", (10, 9, 10, 0), []),
    # December: outside.
    ("d01", "A022", "call", "audited", (12, 1, 0, 10), [("ABUSE", "high", "open", 3.0, "十二月的")]),
]


def seed(engine) -> None:
    with session(engine) as s:
        for agent_id, name, team, agency in AGENTS:
            s.add(models.Agent(agent_id=agent_id, name=name, team=team, agency=agency))
        s.flush()
        team_of = {a[0]: (a[2], a[3]) for a in AGENTS}
        for call_id, agent_id, kind, status, (m, d, hh, mm), findings in CONTACTS:
            team, agency = team_of[agent_id]
            s.add(models.Contact(
                call_id=call_id, kind=kind, status=status, agent_id=agent_id, team=team, agency=agency,
                started_at=datetime(2026, m, d, hh, mm, tzinfo=CST), talk_seconds=60.0,
                outcome="answered" if status != "no_recording" else "no_answer",
            ))
            s.flush()
            for category, severity, review, start, evidence in findings:
                s.add(models.Finding(
                    call_id=call_id, rule_id=f"{category[:6]}-01", category=category, severity=severity,
                    review_status=review, start=start, end=None if start is None else start + 3.2,
                    evidence=evidence, title=category, citation="《金融机构个人消费类贷款催收工作指引（试行）》",
                ))
        s.commit()


@pytest.fixture
def scorecard_engine(engine):
    seed(engine)
    return engine


def expected_figures(engine, start: date, end: date) -> dict[str, dict]:
    """Per-agent figures recomputed from ORM rows in Python (the test oracle)."""
    from audit.scoring import score_contact
    lo = datetime(start.year, start.month, start.day, tzinfo=CST)
    hi = datetime(end.year, end.month, end.day, tzinfo=CST) + timedelta(days=1)
    out: dict[str, dict] = defaultdict(lambda: defaultdict(float))
    with session(engine) as s:
        contacts = [c for c in s.exec(select(models.Contact)).all() if lo <= c.started_at < hi]
        findings = defaultdict(list)
        for f in s.exec(select(models.Finding)).all():
            findings[f.call_id].append(f)
    scores = defaultdict(list)
    for c in contacts:
        fig = out[c.agent_id]
        if c.status == "failed":
            fig["failed"] += 1
            continue
        fig["contacts"] += 1
        fig["calls"] += c.kind == "call" and c.status == "audited"
        fig["visits"] += c.kind == "visit" and c.status == "audited"
        kept = [f for f in findings[c.call_id] if f.review_status != "dismissed"]
        fig["findings"] += len(kept)
        fig["critical"] += sum(f.severity == "critical" for f in kept)
        fig["confirmed"] += sum(f.review_status == "confirmed" for f in findings[c.call_id])
        fig["dismissed"] += sum(f.review_status == "dismissed" for f in findings[c.call_id])
        scores[c.agent_id].append(score_contact(kept))
    for agent_id, pairs in scores.items():
        fig = out[agent_id]
        fig["avg_score"] = sum(p[0] for p in pairs) / len(pairs)
        fig["pass_rate"] = sum(1 for p in pairs if p[1]) / len(pairs)
        fig["findings_per_100"] = 100.0 * fig["findings"] / fig["contacts"]
    return {k: dict(v) for k, v in out.items()}
