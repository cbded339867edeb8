"""A debtor's timeline: find a debtor by id, case or phone number, and every contact to them
(across agents, teams and agencies) that the caller's :class:`~audit.read.scope.Scope` may
see, with its findings (definitions in :mod:`audit.read`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from audit import models
from audit.masking import mask_pii
from audit.read.scope import DEFAULT_TZ, Scope
from audit.read.sql import CONTACT, A, C, Database, F, as_float, aware, connection, severity_rank


@dataclass(frozen=True)
class DebtorMatch:
    """A debtor found by id, case or phone number, with what the caller may see of them."""

    debtor_id: str
    case_ids: tuple[str, ...]
    contacts: int
    first: datetime  # aware, business time zone
    last: datetime


@dataclass(frozen=True)
class TimelineFinding:
    id: int
    rule_id: str
    category: str
    severity: str
    review_status: str
    start: float | None
    evidence: str


@dataclass(frozen=True)
class TimelineContact:
    """One contact on a debtor's timeline, with its non-dismissed and dismissed findings."""

    call_id: str
    started_at: datetime  # aware, business time zone
    kind: str
    outcome: str
    talk_seconds: float
    agent_id: str
    agent_name: str
    team: str
    agency: str
    creditor: str
    case_id: str | None
    debtor_id: str
    contact_role: str
    phone: str | None
    status: str
    score: float | None
    passed: bool | None
    findings: tuple[TimelineFinding, ...]


def _phone_condition(phone: str, masked: bool) -> tuple[sa.ColumnElement, Any] | None:
    """SQL condition on ``contact.phone`` for a number as the viewer typed it, and a check of each
    candidate; None when the text is no phone number.

    A viewer who sees numbers masked searches by the number as they see it (``138****5678``, or the
    full number, which is masked first): only the masked forms are compared, so a search cannot
    tell more than the masked number shows.
    """
    typed = "".join(ch for ch in phone if ch.isdigit() or ch == "*")
    digits = typed.replace("*", "")
    if len(digits) < 4:
        return None
    if not masked and "*" not in typed:
        from audit.manifest import _phone

        try:
            return C.phone == _phone(typed), None
        except ValueError:
            return None
    wanted = mask_pii(typed) if "*" not in typed else typed
    head = wanted.split("*", 1)[0]
    tail = wanted.rsplit("*", 1)[-1] if "*" in wanted else ""
    cond = sa.and_(C.phone.like(f"{head}%"), C.phone.like(f"%{tail}"), sa.func.length(C.phone) == len(wanted))
    return cond, (lambda value: mask_pii(value or "") == wanted)


def find_debtors(db: Database, scope: Scope, query: str, *, by: Literal["debtor", "case", "phone"] = "debtor",
                 masked: bool = False, limit: int = 20, tz: str = DEFAULT_TZ) -> list[DebtorMatch]:
    """Debtors whose id, case id or dialled number is ``query``, among the contacts in ``scope``.

    Args:
        by: What ``query`` is: a debtor id, a case id, or a phone number.
        masked: The viewer sees phone numbers masked (see :func:`_phone_condition`).

    Returns:
        At most ``limit`` debtors, most recently contacted first; an id outside the caller's scope
        finds nothing, like an unknown one.
    """
    query = (query or "").strip()
    if not query:
        return []
    check = None
    if by == "debtor":
        cond = C.debtor_id == query
    elif by == "case":
        cond = C.case_id == query
    elif by == "phone":
        found = _phone_condition(query, masked)
        if found is None:
            return []
        cond, check = found
    else:
        raise ValueError(f"cannot find debtors by {by!r}; use debtor, case or phone")
    with connection(db) as conn:
        if check is not None:
            phones = [
                p
                for (p,) in conn.execute(sa.select(C.phone).where(cond, *scope.conditions()).distinct())
                if check(p)
            ]
            if not phones:
                return []
            cond = C.phone.in_(phones)
        debtors = [d for (d,) in conn.execute(
            sa.select(C.debtor_id).where(cond, C.debtor_id != "", *scope.conditions()).group_by(C.debtor_id)
            .order_by(sa.func.max(C.started_at).desc()).limit(limit))]
        if not debtors:
            return []
        rows = conn.execute(
            sa.select(
                C.debtor_id, C.case_id, sa.func.count(), sa.func.min(C.started_at), sa.func.max(C.started_at)
            )
            .where(C.debtor_id.in_(debtors), *scope.conditions())
            .group_by(C.debtor_id, C.case_id)
        ).all()
    zone = ZoneInfo(tz)
    agg: dict[str, dict[str, Any]] = {}
    for debtor_id, case_id, n, first, last in rows:
        a = agg.setdefault(debtor_id, {"cases": set(), "n": 0, "first": None, "last": None})
        if case_id:
            a["cases"].add(case_id)
        a["n"] += int(n)
        first, last = aware(first, zone), aware(last, zone)
        a["first"] = first if a["first"] is None else min(a["first"], first)
        a["last"] = last if a["last"] is None else max(a["last"], last)
    return [DebtorMatch(d, tuple(sorted(agg[d]["cases"])), agg[d]["n"], agg[d]["first"], agg[d]["last"])
            for d in debtors if d in agg]


def debtor_timeline(db: Database, scope: Scope, *, debtor_id: str | None = None, case_id: str | None = None,
                    tz: str = DEFAULT_TZ, limit: int = 5000) -> list[TimelineContact]:
    """Every contact to one debtor (or on one case) that ``scope`` may see, oldest first, across
    agents, teams and agencies, each with its findings (dismissed ones included, marked so).

    Two index lookups: the contacts by ``debtor_id`` (or ``case_id``, migration 0006) and their
    findings by ``call_id``.
    """
    if (debtor_id is None) == (case_id is None):
        raise ValueError("give a debtor_id or a case_id")
    key = C.debtor_id == debtor_id if debtor_id is not None else C.case_id == case_id
    q = (
        sa.select(C.call_id, C.started_at, C.kind, C.outcome, C.talk_seconds, C.agent_id, A.name, C.team,
                  C.agency, C.creditor, C.case_id, C.debtor_id, C.contact_role, C.phone, C.status, C.score,
                  C.passed)
        .select_from(CONTACT.outerjoin(models.table_of(models.Agent), A.agent_id == C.agent_id))
        .where(key, *scope.conditions()).order_by(C.started_at, C.call_id).limit(limit)
    )
    zone = ZoneInfo(tz)
    with connection(db) as conn:
        rows = conn.execute(q).all()
        findings: dict[str, list[TimelineFinding]] = {}
        ids = [r.call_id for r in rows]
        for chunk in range(0, len(ids), 500):
            for f in conn.execute(
                sa.select(
                    F.id, F.call_id, F.rule_id, F.category, F.severity, F.review_status, F.start, F.evidence
                )
                .where(F.call_id.in_(ids[chunk : chunk + 500]))
                .order_by(F.call_id, severity_rank().desc(), F.start.is_(None), F.start, F.id)
            ):
                findings.setdefault(f.call_id, []).append(
                    TimelineFinding(
                        f.id,
                        f.rule_id,
                        f.category,
                        f.severity,
                        f.review_status,
                        as_float(f.start),
                        f.evidence or "",
                    )
                )
    return [TimelineContact(
        r.call_id, aware(r.started_at, zone), r.kind, r.outcome, float(r.talk_seconds or 0), r.agent_id,
        r.name or "", r.team, r.agency, r.creditor, r.case_id, r.debtor_id, r.contact_role, r.phone, r.status,
        as_float(r.score), r.passed, tuple(findings.get(r.call_id, ())),
    ) for r in rows]
