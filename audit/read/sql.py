"""SQL plumbing shared by the read side (:mod:`audit.read`) and :mod:`audit.scorecards`.

The table handles, one way to get a connection from an engine, connection or session, the
condition that selects the contacts of a :class:`~audit.read.scope.Scope` and
:class:`~audit.read.scope.Filters`, the business day's bounds and the contact's local day,
values as the drivers return them (naive UTC from SQLite, strings from raw JSON), and each
audited contact's score from its findings (:func:`contact_scores`). Everything here runs
unchanged on SQLite and PostgreSQL.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, SupportsFloat, overload
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from audit import models
from audit.schema import ContactStatus, Severity
from audit.scoring import UNCOUNTED

if TYPE_CHECKING:
    from audit.read.scope import Filters, Scope

# Audited contacts: those the rules ran on, so the ones with a verdict: calls and visits with a
# recording (status audited) and dial attempts checked on their metadata (status no_recording);
# failed contacts could not be audited.
AUDITED_STATUSES = (ContactStatus.AUDITED.value, ContactStatus.NO_RECORDING.value)
# findings waiting for a reviewer (the review queue, the overview's open findings)
NEEDS_REVIEW = (models.ReviewStatus.OPEN.value, models.ReviewStatus.APPEALED.value,
                models.ReviewStatus.SUSPECTED.value)
SEVERITY_RANK = {s.value: i for i, s in enumerate(Severity, start=1)}  # low=1 … critical=4

C = models.table_of(models.Contact).c
F = models.table_of(models.Finding).c
S = models.table_of(models.Segment).c
A = models.table_of(models.Agent).c
L = models.table_of(models.ReviewLog).c
CONTACT = models.table_of(models.Contact)
FINDING = models.table_of(models.Finding)

Database = Engine | Connection | Session
# ``items -> (score, passed)`` for one contact's counted findings (see :func:`contact_scores`)
ScoreFn = Callable[[Sequence[Any]], "tuple[float, bool]"]


@contextlib.contextmanager
def connection(db: Database) -> Iterator[Connection]:
    """A connection of ``db``: itself, the session's, or a new one of the engine (closed after)."""
    if isinstance(db, Connection):
        yield db
    elif isinstance(db, Session):
        yield db.connection()
    else:
        with db.connect() as conn:
            yield conn


def count_where(cond) -> sa.ColumnElement:
    """``COUNT(*) FILTER (WHERE cond)``: the rows of a group for which ``cond`` holds (never NULL)."""
    # PostgreSQL 9.4+, SQLite 3.30+; costs about half of SUM(CASE ...) per row in PostgreSQL's
    # aggregate loop.
    return sa.func.count().filter(cond)


def severity_rank() -> sa.ColumnElement:
    """The finding's severity as a number, critical highest (order ``.desc()`` for most severe
    first); an unknown severity ranks 0, after every known one."""
    return sa.case(*((F.severity == s, r) for s, r in SEVERITY_RANK.items()), else_=0)


def day_start(day: date, tz: str) -> datetime:
    """The instant the calendar ``day`` begins in the time zone ``tz`` (a period's bounds)."""
    return datetime.combine(day, time.min, ZoneInfo(tz))


def contacts_where(scope: Scope, filters: Filters | None) -> sa.ColumnElement:
    """The condition on ``contact`` that selects the contacts ``scope`` may see and ``filters`` select."""
    cond = scope.conditions() + (filters.conditions() if filters else [])
    return sa.and_(sa.true(), *cond)


def selects_every_contact(conn: Connection, scope: Scope, filters: Filters) -> bool:
    """Whether scope and filters hold for every contact in the database.

    True when nothing but a date range is set and that range covers the first and the last
    contact (two lookups at the ends of the ``started_at`` index). Finding aggregates may then
    skip the join with ``contact`` altogether; on the dashboard's default "all days" selection
    that join was most of their cost at a million contacts.
    """
    if scope.conditions() or any((filters.teams, filters.agencies, filters.creditors, filters.products,
                                  filters.kinds, filters.agent_ids)):
        return False
    if filters.start is None and filters.end is None:
        return True
    first, last = conn.execute(sa.select(sa.func.min(C.started_at), sa.func.max(C.started_at))).one()
    if first is None:
        return True  # no contacts: the join selects nothing either way
    zone = ZoneInfo(filters.tz)
    first, last = aware(first, zone), aware(last, zone)
    if filters.start is not None and first < day_start(filters.start, filters.tz):
        return False
    return not (filters.end is not None and last >= day_start(filters.end + timedelta(days=1), filters.tz))


def findings_in(conn: Connection, scope: Scope, filters: Filters) -> tuple[sa.FromClause, sa.ColumnElement]:
    """FROM clause and condition for the findings of the contacts that scope and filters select."""
    if selects_every_contact(conn, scope, filters):
        return FINDING, sa.true()
    return FINDING.join(CONTACT, F.call_id == C.call_id), contacts_where(scope, filters)


@overload
def aware(value: None, zone: ZoneInfo) -> None: ...
@overload
def aware(value: datetime | str, zone: ZoneInfo) -> datetime: ...
def aware(value: Any, zone: ZoneInfo) -> datetime | None:
    """A stored timestamp as an aware time in ``zone`` (None stays None)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:  # SQLite keeps UTC without an offset
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zone)


def local_day(conn: Connection, tz: str, reference: date | None) -> sa.ColumnElement:
    """SQL expression for the contact's calendar day in ``tz``.

    Migration 0002 (written when this was ``audit.queries._local_day``) keeps PostgreSQL
    statistics on this very expression: change one, change the other.
    """
    if conn.dialect.name == "postgresql":
        return sa.cast(sa.func.timezone(tz, C.started_at), sa.Date)
    # SQLite has no time-zone database: use the zone's offset on the reference day (the
    # business zones in question, Asia/Shanghai among them, have no daylight saving).
    ref = datetime.combine(reference or date.today(), time(12), ZoneInfo(tz))
    offset = ref.utcoffset()
    assert offset is not None  # ref carries a ZoneInfo
    minutes = int(offset.total_seconds() // 60)
    return sa.func.date(C.started_at, f"{minutes:+d} minutes")


def as_date(value: Any) -> date:
    """A date column's value (SQLite returns ISO text)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


@overload
def as_float(value: None) -> None: ...
@overload
def as_float(value: SupportsFloat | str) -> float: ...
def as_float(value: Any) -> float | None:
    """A numeric column's value as a float (None stays None)."""
    return None if value is None else float(value)


def tune_engine(engine: Engine, *, work_mem: str = "64MB") -> Engine:
    """Give a PostgreSQL engine's sessions room for the dashboard's hash joins and aggregates.

    The server default (4 MB) makes the findings-to-contacts join spill to disk at a million
    contacts; JIT compilation is switched off for these short aggregates. Per connection
    (session), so other clients of the server keep their settings. No effect on SQLite.
    Returns the engine.
    """
    if engine.dialect.name == "postgresql":
        from sqlalchemy import event

        @event.listens_for(engine, "connect")
        def _session_settings(dbapi_connection, _record) -> None:
            with dbapi_connection.cursor() as cur:
                cur.execute(f"SET work_mem = '{work_mem}'")
                # JIT-compiling the aggregates' expressions costs more than it saves on queries
                # of well under a second (measured: ~0.1 s per overview query at 1M contacts).
                cur.execute("SET jit = off")
            dbapi_connection.commit()

    return engine


# PostgreSQL extended statistics on the contact's local day (what makes trend_by_day's GROUP BY
# plan well at a million contacts) are created by Alembic revision 0002, not here: the dashboard
# needs no DDL rights.


@dataclass(frozen=True)
class _Item:
    """What :func:`audit.scoring.score_contact` reads from a finding."""

    rule_id: str
    category: str
    severity: str
    review_status: str


def contact_scores(conn: Connection, where: sa.ColumnElement,
                   score_fn: ScoreFn | None = None) -> dict[str, tuple[float, bool]]:
    """``(score, passed)`` of every audited contact matching ``where``, from its counted findings.

    Scored by :func:`audit.scoring.score_contact` with the severity weights recorded on each
    contact (its pack's; the defaults for contacts stored before migration 0008), as the store
    and every review score it, so a scorecard agrees with the contact's own score. Recomputed
    rather than read from ``contact.score``, so a review written straight to the database still
    counts.

    Args:
        conn: The connection.
        where: A condition on ``contact``.
        score_fn: Another policy, ``items -> (score, passed)`` (tests use a transparent one).
    """
    from audit.scoring import score_contact  # the scoring policy lives in one place

    audited = sa.select(C.call_id, C.score_weights).where(where, C.status.in_(AUDITED_STATUSES))
    weights = dict(conn.execute(audited).all())
    items: dict[str, list[_Item]] = {cid: [] for cid in weights}
    q = (
        sa.select(F.call_id, F.rule_id, F.category, F.severity, F.review_status)
        .select_from(FINDING.join(CONTACT, F.call_id == C.call_id))
        .where(where, C.status.in_(AUDITED_STATUSES), F.review_status.not_in(UNCOUNTED))
    )
    for call_id, rule_id, category, severity, review in conn.execute(q):
        items[call_id].append(_Item(rule_id, category, severity, review))
    if score_fn is not None:
        return {cid: score_fn(found) for cid, found in items.items()}
    scores = {}
    for cid, found in items.items():
        value, passed = score_contact(found, weights[cid])
        scores[cid] = (float(value), passed)
    return scores
