"""One agent's drill-down on the Agents page and in the scorecard exports: the trend of their
average score, pass rate and findings per day or week, and their worst findings.

Figures follow the definitions of :mod:`audit.scorecards` (audited contacts, reviews honoured,
each contact scored with its pack's weights, days in the business time zone).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from audit.read.scope import DEFAULT_TZ, Period, Scope
from audit.read.sql import (
    AUDITED_STATUSES,
    CONTACT,
    FINDING,
    C,
    F,
    ScoreFn,
    aware,
    connection,
    contact_scores,
    contacts_where,
    severity_rank,
)
from audit.scoring import UNCOUNTED

# who a finding counts against: the collector who said it (identified by voice, migration
# 0009), else the contact's agent
SAID_BY = sa.func.coalesce(F.agent_id, C.agent_id)


@dataclass(frozen=True)
class TrendPoint:
    """One bucket (day or ISO week, starting ``start``) of an agent's trend."""

    start: date
    contacts: int
    avg_score: float | None
    pass_rate: float | None
    findings: int


@dataclass(frozen=True)
class WorstFinding:
    """A non-dismissed finding for the scorecard's "worst findings" list."""

    finding_id: int
    call_id: str
    contact_started_at: datetime  # aware, in the business time zone
    rule_id: str
    category: str
    severity: str
    title: str
    citation: str
    start: float | None
    end: float | None
    evidence: str
    review_status: str
    detector: str = ""  # what raised it (lexicon, regex, similar, model …); "" before migration 0004
    confidence: float = 1.0


def agent_trend(
    source: Engine | Session | Connection,
    agent_id: str,
    start: date,
    end: date,
    *,
    freq: str = "day",
    team: str | None = None,
    agency: str | None = None,
    tz: str = DEFAULT_TZ,
    score_fn: ScoreFn | None = None,
) -> list[TrendPoint]:
    """An agent's average score, pass rate and findings per day or per ISO week.

    Every bucket in the period is returned (empty ones with ``contacts == 0`` and ``None``
    rates), so a chart's x axis is continuous. Weeks start on Monday; the first week is cut at
    ``start``.

    Args:
        source: An engine, a session or a connection.
        agent_id: The agent.
        start: First day of the period (in ``tz``).
        end: Last day of the period (in ``tz``).
        freq: ``day`` or ``week``.
        team: Only contacts made in this team.
        agency: Only contacts made for this agency.
        tz: The business time zone the days are counted in.
        score_fn: Another scoring policy (see :func:`audit.read.sql.contact_scores`).

    Raises:
        ValueError: An unknown ``freq``, or ``end`` before ``start``.
    """
    if freq not in ("day", "week"):
        raise ValueError(f"freq {freq!r} is not one of: day, week")
    period = Period(start, end)
    zone = ZoneInfo(tz)

    def bucket(d: date) -> date:
        return d if freq == "day" else max(period.start, d - timedelta(days=d.weekday()))

    where = contacts_where(Scope(), period.filters(tz, team=team, agency=agency, agent_id=agent_id))
    anyone = contacts_where(Scope(), period.filters(tz, team=team, agency=agency))
    with connection(source) as conn:
        scores = contact_scores(conn, where, score_fn)
        starts: dict[str, Any] = dict(
            conn.execute(sa.select(C.call_id, C.started_at).where(where, C.status.in_(AUDITED_STATUSES))).all())
        # findings this collector said (voiceprints), on any contact; else those of their contacts
        found = conn.execute(
            sa.select(F.call_id, C.started_at, sa.func.count(F.id))
            .select_from(FINDING.join(CONTACT, F.call_id == C.call_id))
            .where(anyone, SAID_BY == agent_id, C.status.in_(AUDITED_STATUSES), F.review_status.not_in(UNCOUNTED))
            .group_by(F.call_id, C.started_at)
        ).all()
    acc: dict[date, list[tuple[float, bool, int]]] = defaultdict(list)
    for call_id, (score, passed) in scores.items():
        day = aware(starts[call_id], zone).date()
        acc[bucket(day)].append((float(score), bool(passed), 0))
    said: dict[date, int] = defaultdict(int)
    for _call_id, started, n in found:
        said[bucket(aware(started, zone).date())] += int(n)
    points = []
    day = period.start
    seen: set[date] = set()
    while day <= period.end:
        b = bucket(day)
        if b not in seen:
            seen.add(b)
            vals = acc.get(b, [])
            n = len(vals)
            points.append(
                TrendPoint(
                    start=b,
                    contacts=n,
                    avg_score=sum(v[0] for v in vals) / n if n else None,
                    pass_rate=sum(1 for v in vals if v[1]) / n if n else None,
                    findings=said.get(b, 0),
                )
            )
        day += timedelta(days=1)
    return points


def worst_findings(
    source: Engine | Session | Connection,
    agent_id: str,
    start: date,
    end: date,
    *,
    limit: int = 5,
    team: str | None = None,
    agency: str | None = None,
    tz: str = DEFAULT_TZ,
) -> list[WorstFinding]:
    """The agent's most severe non-dismissed findings in the period, most severe first: the
    findings they said (by voice, on any contact), and those of their own contacts said by no
    identified collector.

    Ties are broken by the contact time (earliest first), then the time in the recording.

    Args:
        source: An engine, a session or a connection.
        agent_id: The agent.
        start: First day of the period (in ``tz``).
        end: Last day of the period (in ``tz``).
        limit: How many findings at most.
        team: Only contacts made in this team.
        agency: Only contacts made for this agency.
        tz: The business time zone the days are counted in.
    """
    period = Period(start, end)
    where = sa.and_(contacts_where(Scope(), period.filters(tz, team=team, agency=agency)), SAID_BY == agent_id)
    q = (
        sa.select(
            F.id, F.call_id, C.started_at, F.rule_id, F.category, F.severity, F.title, F.citation,
            F.start, F.end, F.evidence, F.review_status, F.detector, F.confidence,
        )
        .select_from(FINDING.join(CONTACT, F.call_id == C.call_id))
        .where(where, C.status.in_(AUDITED_STATUSES), F.review_status.not_in(UNCOUNTED))
        .order_by(severity_rank().desc(), C.started_at, F.start, F.id)
        .limit(limit)
    )
    zone = ZoneInfo(tz)
    with connection(source) as conn:
        rows = conn.execute(q).all()
    return [
        WorstFinding(
            finding_id=r[0], call_id=r[1], contact_started_at=aware(r[2], zone), rule_id=r[3],
            category=r[4], severity=r[5], title=r[6] or "", citation=r[7] or "", start=r[8], end=r[9],
            evidence=r[10] or "", review_status=r[11], detector=r[12] or "",
            confidence=1.0 if r[13] is None else float(r[13]),
        )
        for r in rows
    ]
