"""Per-agent scorecards against real SQLite and PostgreSQL databases."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from audit import models
from audit.read.agents import agent_trend, worst_findings
from audit.read.scope import Period
from audit.scorecards import agent_scorecards
from audit.storage import session

CST = timezone(timedelta(hours=8))


def simple_score(items):
    """A transparent policy for figure checks: 10 points per finding, critical fails."""
    return max(0.0, 100.0 - 10.0 * len(items)), not any(i.severity == "critical" for i in items)


def at(day: int, hour: int = 10, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=CST)


def add(s, call_id, agent_id, team, when, *, kind="call", status="audited", findings=()):
    s.add(models.Contact(
        call_id=call_id, kind=kind, started_at=when, agent_id=agent_id, team=team, agency="招商银行信用卡中心",
        status=status, audio_path=None,
    ))
    s.flush()
    for i, (category, severity, review) in enumerate(findings):
        s.add(models.Finding(
            call_id=call_id, rule_id=f"R-{category}", category=category, severity=severity,
            review_status=review, start=float(i), end=float(i) + 1.5, evidence=f"证据{i}",
        ))


@pytest.fixture
def seeded(engine):
    with session(engine) as s:
        s.add_all([
            models.Agent(agent_id="A017", name="李娜", team="一组", agency="招商银行信用卡中心"),
            models.Agent(agent_id="A022", name="陈刚", team="一组", agency="招商银行信用卡中心"),
            models.Agent(agent_id="B203", name="赵强", team="网贷二组", agency="鼎信催收服务有限公司"),
        ])
        s.flush()
        # A017, November: 2 calls + 1 visit + 1 dial attempt judged, 1 failed.
        add(s, "n1", "A017", "一组", at(2), findings=[("ABUSE", "high", "confirmed"), ("ABUSE", "high", "open")])
        add(s, "n2", "A017", "一组", at(3), findings=[("FALSE_AUTHORITY", "critical", "open")])
        add(s, "n3", "A017", "一组", at(9), kind="visit", findings=[("VISIT_PROCEDURE", "medium", "dismissed")])
        add(s, "n4", "A017", "一组", at(9, 23), status="no_recording", findings=[("CONTACT_HOURS", "high", "appealed")])
        add(s, "n5", "A017", "一组", at(10), status="failed")
        # A022, November: one clean call; counted from 00:30 local on 1 Nov (16:30 UTC on 31 Oct).
        add(s, "n6", "A022", "一组", datetime(2026, 11, 1, 0, 30, tzinfo=CST))
        # B203 another team.
        add(s, "n7", "B203", "网贷二组", at(30, 21), findings=[("CASH_OR_CARD_REQUEST", "critical", "confirmed")])
        # Outside: 1 Dec 00:10 local is not November even though it is 30 Nov in UTC.
        add(s, "x1", "A017", "一组", datetime(2026, 12, 1, 0, 10, tzinfo=CST), findings=[("ABUSE", "high", "open")])
        # October (the previous period) for A017: one call with one finding.
        add(s, "o1", "A017", "一组", at(15, month=10), findings=[("ABUSE", "low", "open")])
        s.commit()
    return engine


def by_agent(cards):
    return {c.agent_id: c for c in cards}


def test_figures(seeded):
    nov = Period.month("2026-11")
    cards = by_agent(agent_scorecards(seeded, nov.start, nov.end, score_fn=simple_score))
    assert set(cards) == {"A017", "A022", "B203"}
    a = cards["A017"]
    assert (a.agent_name, a.team, a.calls_audited, a.visits_audited, a.dial_attempts, a.failed, a.contacts) == (
        "李娜", "一组", 2, 1, 1, 1, 4)
    # Scores: n1 80 (pass), n2 90 (critical: fail), n3 100 (its only finding is dismissed), n4 90.
    assert a.avg_score == pytest.approx((80 + 90 + 100 + 90) / 4)
    assert a.pass_rate == pytest.approx(3 / 4)
    assert a.findings == 4 and a.critical_findings == 1
    assert a.findings_by_category == {"ABUSE": 2, "FALSE_AUTHORITY": 1, "CONTACT_HOURS": 1}
    assert a.findings_per_100 == pytest.approx(100.0)
    assert a.findings_per_100_by_category["ABUSE"] == pytest.approx(50.0)
    assert (a.confirmed, a.dismissed, a.open, a.appealed) == (1, 1, 2, 1)
    assert a.prev_contacts == 1 and a.prev_avg_score == pytest.approx(90.0)
    assert a.score_change == pytest.approx(a.avg_score - 90.0)
    assert a.pass_rate_change == pytest.approx(3 / 4 - 1.0)
    b = cards["A022"]
    assert (b.contacts, b.avg_score, b.pass_rate, b.findings, b.prev_avg_score, b.score_change) == (
        1, 100.0, 1.0, 0, None, None)
    # Rank: A022 (100) above A017 (90) in 一组; B203 alone in its team.
    assert (b.rank_in_team, a.rank_in_team, a.team_size) == (1, 2, 2)
    assert (cards["B203"].rank_in_team, cards["B203"].team_size) == (1, 1)


@pytest.mark.parametrize(
    "team,agency,expected",
    [
        ("一组", None, {"A017", "A022"}),
        ("网贷二组", None, {"B203"}),
        (None, "招商银行信用卡中心", {"A017", "A022", "B203"}),  # the contact's agency, as logged
        ("没有这个组", None, set()),
    ],
)
def test_filters(seeded, team, agency, expected):
    nov = Period.month("2026-11")
    cards = agent_scorecards(seeded, nov.start, nov.end, team=team, agency=agency, score_fn=simple_score)
    assert {c.agent_id for c in cards} == expected


def test_dismissed_finding_no_longer_counts(seeded):
    """Dismissing a finding gives the agent the figures as if it had never been raised."""
    nov = Period.month("2026-11")
    before = by_agent(agent_scorecards(seeded, nov.start, nov.end))["A017"]
    with seeded.begin() as conn:
        fid = conn.execute(sa.select(models.Finding.id).where(models.Finding.call_id == "n2")).scalar_one()
        conn.execute(sa.update(models.Finding).where(models.Finding.id == fid).values(review_status="dismissed"))
    dismissed = by_agent(agent_scorecards(seeded, nov.start, nov.end))["A017"]
    assert dismissed.critical_findings == before.critical_findings - 1
    assert dismissed.findings == before.findings - 1
    assert dismissed.dismissed == before.dismissed + 1
    assert dismissed.pass_rate > before.pass_rate
    assert dismissed.avg_score >= before.avg_score
    with seeded.begin() as conn:
        conn.execute(sa.delete(models.Finding).where(models.Finding.id == fid))
    never = by_agent(agent_scorecards(seeded, nov.start, nov.end))["A017"]
    for name in ("avg_score", "pass_rate", "findings", "critical_findings", "findings_by_category", "rank_in_team"):
        assert getattr(dismissed, name) == getattr(never, name), name


def test_trend_by_day_and_week(seeded):
    days = agent_trend(seeded, "A017", date(2026, 11, 1), date(2026, 11, 10), score_fn=simple_score)
    assert [p.start for p in days] == [date(2026, 11, d) for d in range(1, 11)]
    assert {p.start.day: p.contacts for p in days if p.contacts} == {2: 1, 3: 1, 9: 2}
    assert days[8].avg_score == pytest.approx(95.0) and days[8].pass_rate == 1.0
    assert days[0].avg_score is None
    weeks = agent_trend(seeded, "A017", date(2026, 11, 1), date(2026, 11, 10), freq="week", score_fn=simple_score)
    # 1 Nov 2026 is a Sunday: buckets start 1 Nov (cut), 2 Nov and 9 Nov (Mondays).
    assert [(p.start.day, p.contacts, p.findings) for p in weeks] == [(1, 0, 0), (2, 2, 3), (9, 2, 1)]


def test_worst_findings_most_severe_first_without_dismissed(seeded):
    worst = worst_findings(seeded, "A017", date(2026, 11, 1), date(2026, 11, 30), limit=3)
    assert [(w.call_id, w.severity) for w in worst] == [("n2", "critical"), ("n1", "high"), ("n1", "high")]
    assert worst[0].contact_started_at == at(3)
    everything = worst_findings(seeded, "A017", date(2026, 11, 1), date(2026, 11, 30), limit=50)
    assert "dismissed" not in {w.review_status for w in everything}
    assert len(everything) == 4


@pytest.mark.parametrize(
    "text,start,end,previous",
    [
        ("2026-11", date(2026, 11, 1), date(2026, 11, 30), (date(2026, 10, 2), date(2026, 10, 31))),
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28), (date(2026, 1, 4), date(2026, 1, 31))),
        ("2026-12", date(2026, 12, 1), date(2026, 12, 31), (date(2026, 10, 31), date(2026, 11, 30))),
    ],
)
def test_period_month(text, start, end, previous):
    p = Period.month(text)
    assert (p.start, p.end) == (start, end)
    assert (p.previous().start, p.previous().end) == previous
    assert p.previous().days == p.days


@pytest.mark.parametrize("bad", ["2026-13", "11/2026", ""])
def test_period_month_rejects(bad):
    with pytest.raises(ValueError, match="YYYY-MM"):
        Period.month(bad)


def test_conduct_figures_average_the_measured_contacts(engine):
    """Per-contact averages over audited calls and visits that hold each metric; a contact
    audited before acoustics were measured counts for the talk share only."""
    with session(engine) as s:
        s.add(models.Agent(agent_id="C1", name="周丽", team="电催一组", agency="招商银行信用卡中心"))
        s.flush()
        measured = [
            {"agent_talk_share": 0.6, "interruptions": 3, "longest_silence_s": 12.0, "agent_pace_cps": 5.0,
             "raised_voice_s": 4.5},
            {"agent_talk_share": 0.4, "interruptions": 0, "longest_silence_s": 2.0, "agent_pace_cps": 4.0,
             "raised_voice_s": 0.0},
            {"agent_talk_share": 0.5},  # stored before the acoustics
        ]
        for n, metrics in enumerate(measured):
            s.add(models.Contact(call_id=f"m{n}", kind="call", started_at=at(5 + n), agent_id="C1", team="电催一组",
                                 status="audited", metrics=metrics))
        s.add(models.Contact(call_id="m9", kind="call", started_at=at(9), agent_id="C1", team="电催一组",
                             status="no_recording", metrics={}))
        s.commit()
    nov = Period.month("2026-11")
    [card] = agent_scorecards(engine, nov.start, nov.end)
    assert card.talk_share == pytest.approx(0.5)
    assert (card.interruptions, card.longest_silence_s, card.pace_cps, card.raised_voice_s) == (
        pytest.approx(1.5), pytest.approx(7.0), pytest.approx(4.5), pytest.approx(2.25))


def test_no_conduct_figures_without_recordings(seeded):
    nov = Period.month("2026-11")
    cards = by_agent(agent_scorecards(seeded, nov.start, nov.end))
    assert cards["A017"].talk_share is None and cards["A017"].raised_voice_s is None
