"""The dashboard's Overview: headline figures, findings per category, the daily trend, the
breakdowns by team, agency, creditor and agent, and the values the sidebar filters offer.

Every function takes a database, a :class:`~audit.read.scope.Scope` and usually
:class:`~audit.read.scope.Filters`, and returns small frozen dataclasses (definitions in
:mod:`audit.read`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from audit.read.scope import DEFAULT_TZ, Filters, Scope
from audit.read.sql import (
    AUDITED_STATUSES,
    CONTACT,
    FINDING,
    NEEDS_REVIEW,
    A,
    C,
    Database,
    F,
    as_date,
    as_float,
    aware,
    connection,
    contacts_where,
    count_where,
    findings_in,
    local_day,
)
from audit.schema import ContactStatus, Severity
from audit.scoring import UNCOUNTED


class _PassRate:
    """Share of contacts with a verdict (passed or not) that passed; None when none has one."""

    passed: int
    not_passed: int

    @property
    def pass_rate(self) -> float | None:
        with_verdict = self.passed + self.not_passed
        return self.passed / with_verdict if with_verdict else None


@dataclass(frozen=True)
class OverviewKPIs(_PassRate):
    contacts: int
    audited: int
    passed: int
    not_passed: int
    errors: int  # contacts that could not be audited (status failed)
    avg_score: float | None
    findings: int  # not dismissed
    critical_findings: int
    open_findings: int  # open or appealed: waiting for a reviewer


@dataclass(frozen=True)
class CategoryCount:
    category: str
    findings: int
    critical: int


@dataclass(frozen=True)
class DayPoint(_PassRate):
    day: date
    contacts: int
    passed: int
    not_passed: int
    findings: int
    avg_score: float | None


@dataclass(frozen=True)
class GroupRow(_PassRate):
    key: str
    contacts: int
    passed: int
    not_passed: int
    avg_score: float | None
    findings: int
    critical_findings: int

    @property
    def findings_per_100(self) -> float | None:
        return 100.0 * self.findings / self.contacts if self.contacts else None


@dataclass(frozen=True)
class FilterOptions:
    teams: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    creditors: list[str] = field(default_factory=list)
    products: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    agents: list[tuple[str, str]] = field(default_factory=list)  # (agent_id, name)
    first_day: date | None = None
    last_day: date | None = None


# ----------------------------------------------------------------------------- queries


def overview_kpis(db: Database, scope: Scope, filters: Filters) -> OverviewKPIs:
    """Headline figures: contacts, audited, passed/not passed, findings, open reviews."""
    where = contacts_where(scope, filters)
    with connection(db) as conn:
        contacts, audited, passed, not_passed, errors, avg_score = conn.execute(
            sa.select(
                sa.func.count(),
                count_where(C.status.in_(AUDITED_STATUSES)),
                count_where(C.passed == sa.true()),
                count_where(C.passed == sa.false()),
                count_where(C.status == ContactStatus.FAILED.value),
                sa.func.avg(C.score),
            ).where(where)
        ).one()
        source, in_selection = findings_in(conn, scope, filters)
        findings, critical, open_ = conn.execute(
            sa.select(
                sa.func.count(),
                count_where(F.severity == Severity.CRITICAL.value),
                count_where(F.review_status.in_(NEEDS_REVIEW)),
            )
            .select_from(source)
            .where(in_selection, F.review_status.not_in(UNCOUNTED))
        ).one()
    return OverviewKPIs(int(contacts), int(audited), int(passed), int(not_passed), int(errors),
                        as_float(avg_score), int(findings), int(critical), int(open_))


def findings_by_category(db: Database, scope: Scope, filters: Filters) -> list[CategoryCount]:
    """Non-dismissed findings per category, most frequent first."""
    with connection(db) as conn:
        source, in_selection = findings_in(conn, scope, filters)
        rows = conn.execute(
            sa.select(F.category, sa.func.count(), count_where(F.severity == Severity.CRITICAL.value))
            .select_from(source)
            .where(in_selection, F.review_status.not_in(UNCOUNTED))
            .group_by(F.category)
        ).all()
    out = [CategoryCount(cat, int(n), int(crit)) for cat, n, crit in rows]
    return sorted(out, key=lambda r: (-r.findings, r.category))


def trend_by_day(db: Database, scope: Scope, filters: Filters) -> list[DayPoint]:
    """Contacts, pass rate and findings per calendar day (days without contacts omitted).

    One scan of ``contact``: the findings per day are the sum of ``contact.finding_count`` (the
    contact's non-dismissed findings, kept by :mod:`audit.store` when a contact is audited and
    by :func:`audit.review.rescore_contact` when a finding is reviewed) instead of a join with
    ``finding``, which made this the slowest overview query at a million contacts.
    """
    where = contacts_where(scope, filters)
    with connection(db) as conn:
        if conn.dialect.name == "postgresql" and (conn.dialect.server_version_info or (0,)) >= (14,):
            return _trend_by_day_in_buckets(conn, where, filters.tz)
        day = local_day(conn, filters.tz, filters.start).label("day")
        rows = conn.execute(
            sa.select(day, sa.func.count(), count_where(C.passed == sa.true()),
                      count_where(C.passed == sa.false()),
                      sa.func.coalesce(sa.func.sum(C.finding_count), 0), sa.func.avg(C.score))
            .where(where).group_by(day).order_by(day)
        ).all()
    return [
        DayPoint(as_date(d), int(n), int(ok), int(bad), int(found), as_float(avg))
        for d, n, ok, bad, found, avg in rows
    ]


def _trend_by_day_in_buckets(conn: Connection, where: sa.ColumnElement, tz: str) -> list[DayPoint]:
    """:func:`trend_by_day` on PostgreSQL 14+: aggregate 15-minute UTC buckets, then days.

    Converting every contact's time to the business zone (``timezone()``) was most of the
    trend's cost at a million contacts; ``date_bin`` is integer arithmetic, and only the few
    thousand buckets are converted. Exact because every time zone's UTC offset is a whole
    number of quarter hours, so a local midnight always falls on a bucket boundary. Migration
    0003 keeps statistics on the bucket expression (it must stay as written here; 0003 calls this
    function by its name before the split, ``audit.queries._trend_by_day_in_buckets``).
    """
    bucket = sa.func.date_bin(sa.literal_column("interval '15 minutes'"), C.started_at,
                              sa.literal_column("timestamptz '2000-01-01 00:00:00+00'")).label("bucket")
    buckets = (
        sa.select(bucket, sa.func.count().label("n"), count_where(C.passed == sa.true()).label("ok"),
                  count_where(C.passed == sa.false()).label("bad"), sa.func.sum(C.finding_count).label("found"),
                  sa.func.sum(C.score).label("score_sum"), sa.func.count(C.score).label("scored"))
        .where(where).group_by(bucket).subquery("buckets")
    )
    b = buckets.c
    day = sa.cast(sa.func.timezone(tz, b.bucket), sa.Date).label("day")
    rows = conn.execute(
        sa.select(day, sa.func.sum(b.n), sa.func.sum(b.ok), sa.func.sum(b.bad),
                  sa.func.coalesce(sa.func.sum(b.found), 0), sa.func.sum(b.score_sum), sa.func.sum(b.scored))
        .group_by(day).order_by(day)
    ).all()
    return [
        DayPoint(as_date(d), int(n), int(ok), int(bad), int(found), float(total) / int(scored) if scored else None)
        for d, n, ok, bad, found, total, scored in rows
    ]


BreakdownKey = Literal["team", "agency", "creditor", "product", "kind", "agent_id"]


def breakdown(db: Database, scope: Scope, filters: Filters, by: BreakdownKey) -> list[GroupRow]:
    """Contacts, pass rate and findings grouped by a contact column, largest group first."""
    if by not in get_args(BreakdownKey):
        raise ValueError(f"cannot break down by {by!r}; choose one of {', '.join(get_args(BreakdownKey))}")
    column = C[by]
    where = contacts_where(scope, filters)
    # Findings are the contacts' finding_count (non-dismissed, kept by the store and by reviews),
    # so the contacts need one scan and no join. Critical findings, a small share, are counted
    # by a second query instead of joining a per-contact count onto every contact (which cost as
    # much as the scan itself). A non-dismissed critical finding means its contact did not pass
    # (audit.scoring.score_contact, applied by the store and by every review), so only contacts
    # not marked passed can hold one: that condition keeps ~93% of the contacts out of the join.
    q = (
        sa.select(column, sa.func.count(), count_where(C.passed == sa.true()),
                  count_where(C.passed == sa.false()),
                  sa.func.avg(C.score), sa.func.coalesce(sa.func.sum(C.finding_count), 0))
        .where(where)
        .group_by(column)
    )
    critical = (
        sa.select(column, sa.func.count())
        .select_from(FINDING.join(CONTACT, F.call_id == C.call_id))
        .where(where, C.passed.is_not(sa.true()),  # the predicate of ix_contact_unpassed
               F.severity == Severity.CRITICAL.value, F.review_status.not_in(UNCOUNTED))
        .group_by(column)
    )
    with connection(db) as conn:
        groups = conn.execute(q).all()
        critical_by_key: dict[Any, int] = dict(conn.execute(critical).all())
    rows = [
        GroupRow(key or "", int(n), int(ok), int(bad), as_float(avg), int(found),
                 int(critical_by_key.get(key, 0)))
        for key, n, ok, bad, avg, found in groups
    ]
    return sorted(rows, key=lambda r: (-r.contacts, r.key))


_COMBO_COLUMNS = (C.team, C.agency, C.creditor, C.product, C.kind, C.agent_id)  # ix_contact_filter_combo's keys


def _filter_combos_skip_scan(conn: Connection, scope: Scope) -> Sequence[sa.Row]:
    """Distinct filter combinations by a recursive skip scan of ``ix_contact_filter_combo``.

    Each step fetches the first index entry above the previous combination, so the cost grows
    with the number of combinations, not of contacts: milliseconds instead of a parallel hash
    aggregate over every contact, which took 0.5–0.8 s at a million contacts on a busy 2-core
    machine. The columns are NOT NULL, so the row comparison is exact. Scopes must leave the
    index usable (all contacts or one team: a prefix of the key).
    """
    names = ", ".join(c.name for c in _COMBO_COLUMNS)
    prefixed = ", ".join(f"c.{c.name}" for c in _COMBO_COLUMNS)
    team = "team = :team AND " if scope.team is not None else ""
    sql = sa.text(f"""
        WITH RECURSIVE combo AS (
            (SELECT {names} FROM contact WHERE {team}TRUE ORDER BY {names} LIMIT 1)
            UNION ALL
            SELECT n.* FROM combo c CROSS JOIN LATERAL (
                SELECT {names} FROM contact
                WHERE {team}({names}) > ({prefixed})
                ORDER BY {names} LIMIT 1
            ) n
        )
        SELECT {names} FROM combo
    """)
    return conn.execute(sql, {"team": scope.team} if scope.team is not None else {}).all()


def filter_options(db: Database, scope: Scope) -> FilterOptions:
    """The values the sidebar filters offer, within the scope.

    The distinct (team, agency, creditor, product, kind, agent) combinations — a few thousand
    even for millions of contacts — instead of one ``DISTINCT`` scan per column. On PostgreSQL
    they are read by skipping through ``ix_contact_filter_combo`` (one index probe per
    combination, :func:`_filter_combos_skip_scan`); elsewhere, and for one agent's few contacts,
    by one grouped scan.
    """
    where = contacts_where(scope, None)
    with connection(db) as conn:
        if conn.dialect.name == "postgresql" and scope.agent_id is None:
            combos = _filter_combos_skip_scan(conn, scope)
        else:
            combos = conn.execute(
                sa.select(*_COMBO_COLUMNS).where(where).group_by(*_COMBO_COLUMNS)
            ).all()
        first, last = conn.execute(sa.select(sa.func.min(C.started_at), sa.func.max(C.started_at)).where(where)).one()
        agent_ids = sorted({r.agent_id for r in combos})
        names = dict(conn.execute(sa.select(A.agent_id, A.name).where(A.agent_id.in_(agent_ids))).all()) \
            if agent_ids else {}
    zone = ZoneInfo(DEFAULT_TZ)

    def distinct(i: int) -> list[str]:
        return sorted({r[i] for r in combos if r[i]})

    return FilterOptions(
        teams=distinct(0), agencies=distinct(1), creditors=distinct(2), products=distinct(3), kinds=distinct(4),
        agents=[(a, names.get(a) or "") for a in agent_ids],
        first_day=aware(first, zone).date() if first else None,
        last_day=aware(last, zone).date() if last else None,
    )
