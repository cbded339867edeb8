"""The review side of the dashboard: findings per rule and per detector with their review
outcomes (the precision feedback), the queue of findings waiting for a reviewer, and the
review log. The review actions themselves are :mod:`audit.review`.

Every function takes a database and a :class:`~audit.read.scope.Scope` (definitions in
:mod:`audit.read`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from audit import models
from audit.read.scope import DEFAULT_TZ, Filters, Scope
from audit.read.sql import (
    CONTACT,
    FINDING,
    NEEDS_REVIEW,
    C,
    Database,
    F,
    L,
    as_float,
    aware,
    connection,
    contacts_where,
    count_where,
    severity_rank,
)


@dataclass(frozen=True)
class RuleHits:
    rule_id: str
    category: str
    hits: int
    open: int
    confirmed: int
    dismissed: int
    appealed: int
    suspected: int = 0

    @property
    def dismissed_share(self) -> float | None:
        """Share of the rule's findings that reviewers dismissed (false-positive feedback)."""
        return self.dismissed / self.hits if self.hits else None

    @property
    def reviewed(self) -> int:
        return self.confirmed + self.dismissed


@dataclass(frozen=True)
class DetectorHits:
    """Findings raised by one kind of detector (lexicon, regex, frame, similar, model …)."""

    detector: str  # "" for findings stored before detectors were recorded
    hits: int
    confirmed: int
    dismissed: int
    suspected: int

    @property
    def reviewed(self) -> int:
        return self.confirmed + self.dismissed

    @property
    def dismissed_share(self) -> float | None:
        """Share of the reviewed findings that reviewers dismissed (None before any review)."""
        return self.dismissed / self.reviewed if self.reviewed else None


@dataclass(frozen=True)
class QueueItem:
    finding_id: int
    call_id: str
    rule_id: str
    category: str
    severity: str
    title: str
    evidence: str
    review_status: str
    start: float | None
    started_at: datetime  # the contact's time, aware, business time zone
    agent_id: str
    team: str
    age_days: int
    detector: str = ""
    confidence: float = 1.0


@dataclass(frozen=True)
class LogRow:
    id: int
    finding_id: int
    call_id: str
    user: str
    at: datetime
    action: str
    before: str
    after: str
    reason: str | None


# ----------------------------------------------------------------------------- queries


def rule_hits(db: Database, scope: Scope, filters: Filters) -> list[RuleHits]:
    """Findings per rule with their review outcomes (dismissed ones included), most hits first."""
    q = (
        sa.select(F.rule_id, sa.func.max(F.category), sa.func.count(),
                  *(count_where(F.review_status == s.value) for s in models.ReviewStatus))
        .select_from(FINDING.join(CONTACT, F.call_id == C.call_id))
        .where(contacts_where(scope, filters)).group_by(F.rule_id)
    )
    statuses = [s.value for s in models.ReviewStatus]
    out = []
    with connection(db) as conn:
        for rule_id, category, hits, *by_status in conn.execute(q):
            counts = dict(zip(statuses, (int(x) for x in by_status)))
            out.append(RuleHits(rule_id, category, int(hits), counts["open"], counts["confirmed"],
                                counts["dismissed"], counts["appealed"], counts["suspected"]))
    return sorted(out, key=lambda r: (-r.hits, r.rule_id))


def detector_hits(db: Database, scope: Scope, filters: Filters) -> list[DetectorHits]:
    """Findings per detector with their review outcomes (dismissed ones included), most hits first:
    how often reviewers overrule each kind of check."""
    q = (
        sa.select(F.detector, sa.func.count(),
                  *(count_where(F.review_status == s.value) for s in (models.ReviewStatus.CONFIRMED,
                                                                 models.ReviewStatus.DISMISSED,
                                                                 models.ReviewStatus.SUSPECTED)))
        .select_from(FINDING.join(CONTACT, F.call_id == C.call_id))
        .where(contacts_where(scope, filters)).group_by(F.detector)
    )
    with connection(db) as conn:
        out = [DetectorHits(detector or "", int(hits), int(confirmed), int(dismissed), int(suspected))
               for detector, hits, confirmed, dismissed, suspected in conn.execute(q)]
    return sorted(out, key=lambda d: (-d.hits, d.detector))


def review_queue(db: Database, scope: Scope, filters: Filters, *, limit: int = 200,
                 now: datetime | None = None) -> list[QueueItem]:
    """Findings waiting for a reviewer (open, appealed or suspected): most severe first, then oldest contact."""
    q = (
        sa.select(F.id, F.call_id, F.rule_id, F.category, F.severity, F.title, F.evidence, F.review_status,
                  F.start, C.started_at, C.agent_id, C.team, F.detector, F.confidence)
        .select_from(FINDING.join(CONTACT, F.call_id == C.call_id))
        .where(contacts_where(scope, filters), F.review_status.in_(NEEDS_REVIEW))
        .order_by(severity_rank().desc(), C.started_at, F.start.is_(None), F.start, F.id).limit(limit)
    )
    zone = ZoneInfo(filters.tz)
    now = now or datetime.now(UTC)
    with connection(db) as conn:
        rows = conn.execute(q).all()
    out = []
    for r in rows:
        started = aware(r.started_at, zone)
        out.append(QueueItem(r.id, r.call_id, r.rule_id, r.category, r.severity, r.title or "", r.evidence or "",
                             r.review_status, as_float(r.start), started, r.agent_id, r.team,
                             max(0, (now - started).days), r.detector or "",
                             as_float(r.confidence) if r.confidence is not None else 1.0))
    return out


def review_history(db: Database, scope: Scope, *, call_id: str | None = None, limit: int = 200,
                   tz: str = DEFAULT_TZ) -> list[LogRow]:
    """Review-log entries (newest first), optionally for one contact."""
    cond = [*scope.conditions()]
    if call_id is not None:
        cond.append(L.call_id == call_id)
    q = (
        sa.select(L.id, L.finding_id, L.call_id, L.user, L.at, L.action, L.before, L.after, L.reason)
        .select_from(models.table_of(models.ReviewLog).join(CONTACT, L.call_id == C.call_id))
        .where(sa.true(), *cond).order_by(L.at.desc(), L.id.desc()).limit(limit)
    )
    zone = ZoneInfo(tz)
    with connection(db) as conn:
        return [LogRow(r.id, r.finding_id, r.call_id, r.user, aware(r.at, zone), r.action, r.before, r.after,
                       r.reason) for r in conn.execute(q)]
