"""Read-side SQL for the supervisor dashboard.

Every function takes a database (an ``Engine``, ``Connection`` or ``Session``), a :class:`Scope`
(who is asking: everything, one team, or one agent) and usually a :class:`Filters` (what the
sidebar selected), runs SQL aggregates that work unchanged on SQLite and PostgreSQL, and returns
small frozen dataclasses. The dashboard caches and renders them; it never filters by role itself,
so a contact outside the caller's scope is invisible here even when its id is typed into a URL.

Definitions (shared with :mod:`audit.scorecards`):

* *audited* contacts are those the rules ran on: status ``audited`` and ``no_recording``;
  ``failed`` contacts could not be audited and are counted separately as errors;
* a contact is *compliant* when ``passed`` is true; the compliance rate is compliant over
  contacts with a verdict;
* dismissed findings are false positives: they are left out of every finding count except the
  rule and detector statistics, which report them as the precision feedback; *suspected*
  findings (the learned model's doubts, :data:`audit.scoring.UNCOUNTED` too) are left out
  the same way until a reviewer confirms them, and wait in the review queue;
* days are calendar days in the business time zone (``Filters.tz``, default Asia/Shanghai);
  timestamps are stored in UTC.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from audit import models
from audit.masking import can_touch_masked, mask_pii
from audit.paths import stored_recording
from audit.schema import ContactStatus, Severity
from audit.scoring import UNCOUNTED

DEFAULT_TZ = "Asia/Shanghai"
AUDITED = (ContactStatus.AUDITED.value, ContactStatus.NO_RECORDING.value)
DISMISSED = models.ReviewStatus.DISMISSED.value
NEEDS_REVIEW = (models.ReviewStatus.OPEN.value, models.ReviewStatus.APPEALED.value,
                models.ReviewStatus.SUSPECTED.value)
SEVERITY_RANK = {s.value: i for i, s in enumerate(Severity, start=1)}  # low=1 … critical=4

C = models.Contact.__table__.c
F = models.Finding.__table__.c
S = models.Segment.__table__.c
A = models.Agent.__table__.c
L = models.ReviewLog.__table__.c
_CONTACT = models.Contact.__table__
_FINDING = models.Finding.__table__

Database = Engine | Connection | Session


@dataclass(frozen=True)
class Scope:
    """The slice of the data a user may see.

    ``Scope()`` is everything (admin, supervisor); ``Scope(team=...)`` one team (team lead);
    ``Scope(agent_id=...)`` one agent's own contacts. Both set means both must hold.
    """

    team: str | None = None
    agent_id: str | None = None

    def conditions(self) -> list[sa.ColumnElement]:
        cond = []
        if self.team is not None:
            cond.append(C.team == self.team)
        if self.agent_id is not None:
            cond.append(C.agent_id == self.agent_id)
        return cond


@dataclass(frozen=True)
class Filters:
    """The dashboard's sidebar filters; empty tuples mean "any".

    Attributes:
        start: First day (inclusive) in ``tz``.
        end: Last day (inclusive) in ``tz``.
        tz: Business time zone the days are counted in.
    """

    start: date | None = None
    end: date | None = None
    teams: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    creditors: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    agent_ids: tuple[str, ...] = ()
    tz: str = DEFAULT_TZ

    def conditions(self) -> list[sa.ColumnElement]:
        zone = ZoneInfo(self.tz)
        cond = []
        if self.start is not None:
            cond.append(C.started_at >= datetime.combine(self.start, time.min, zone))
        if self.end is not None:
            cond.append(C.started_at < datetime.combine(self.end + timedelta(days=1), time.min, zone))
        for column, values in ((C.team, self.teams), (C.agency, self.agencies), (C.creditor, self.creditors),
                               (C.product, self.products), (C.kind, self.kinds), (C.agent_id, self.agent_ids)):
            if values:
                cond.append(column.in_(values))
        return cond


# ----------------------------------------------------------------------------- result types


class _Compliance:
    """Share of judged contacts (passed or failed) that passed; None when none were judged."""

    compliant: int
    non_compliant: int

    @property
    def compliance_rate(self) -> float | None:
        judged = self.compliant + self.non_compliant
        return self.compliant / judged if judged else None


@dataclass(frozen=True)
class OverviewKPIs(_Compliance):
    contacts: int
    audited: int
    compliant: int
    non_compliant: int
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
class DayPoint(_Compliance):
    day: date
    contacts: int
    compliant: int
    non_compliant: int
    findings: int
    avg_score: float | None


@dataclass(frozen=True)
class GroupRow(_Compliance):
    key: str
    contacts: int
    compliant: int
    non_compliant: int
    avg_score: float | None
    findings: int
    critical_findings: int

    @property
    def findings_per_100(self) -> float | None:
        return 100.0 * self.findings / self.contacts if self.contacts else None


@dataclass(frozen=True)
class TopFinding:
    finding_id: int
    rule_id: str
    category: str
    severity: str
    title: str


@dataclass(frozen=True)
class ContactRow:
    call_id: str
    started_at: datetime  # aware, in the business time zone
    kind: str
    agent_id: str
    agent_name: str
    team: str
    agency: str
    creditor: str
    product: str
    status: str
    score: float | None
    passed: bool | None
    findings: int  # not dismissed
    top_finding: TopFinding | None


@dataclass(frozen=True)
class ContactPage:
    rows: list[ContactRow]
    total: int


@dataclass(frozen=True)
class ContactDetail:
    call_id: str
    kind: str
    started_at: datetime  # aware, in the business time zone
    talk_seconds: float
    outcome: str
    agent_id: str
    agent_name: str
    team: str
    agency: str
    creditor: str
    product: str
    case_id: str | None
    debtor_id: str
    contact_role: str
    days_past_due: int | None
    visit_staff: int | None
    channel_layout: str | None
    audio_path: str | None
    duration_s: float | None
    status: str
    failure_reason: str | None
    score: float | None
    passed: bool | None
    rule_pack_version: str | None


@dataclass(frozen=True)
class SegmentRow:
    idx: int
    speaker: str
    role: str
    start: float
    end: float
    text: str
    acoustics: dict[str, Any] | None = None  # audit.schema.Acoustics as stored; None before 0007


@dataclass(frozen=True)
class FindingRow:
    id: int
    call_id: str
    rule_id: str
    category: str
    severity: str
    title: str
    citation: str
    speaker: str | None
    role: str | None
    start: float | None
    end: float | None
    evidence: str
    review_status: str
    review_reason: str | None
    reviewed_by: str | None
    reviewed_at: datetime | None
    detector: str = ""
    confidence: float = 1.0


@dataclass(frozen=True)
class SearchHit:
    call_id: str
    idx: int
    start: float
    role: str
    text: str


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


# ----------------------------------------------------------------------------- plumbing


@contextlib.contextmanager
def _connection(db: Database) -> Iterator[Connection]:
    if isinstance(db, Connection):
        yield db
    elif isinstance(db, Session):
        yield db.connection()
    else:
        with db.connect() as conn:
            yield conn


def _count(cond) -> sa.ColumnElement:
    # COUNT(*) FILTER (WHERE ...) (PostgreSQL 9.4+, SQLite 3.30+) costs about half of
    # SUM(CASE ...) per row in PostgreSQL's aggregate loop, and is never NULL.
    return sa.func.count().filter(cond)


def _severity_rank() -> sa.ColumnElement:
    return sa.case(*((F.severity == s, r) for s, r in SEVERITY_RANK.items()), else_=0)


def _where(scope: Scope, filters: Filters | None) -> sa.ColumnElement:
    cond = scope.conditions() + (filters.conditions() if filters else [])
    return sa.and_(sa.true(), *cond)


def _selects_every_contact(conn: Connection, scope: Scope, filters: Filters) -> bool:
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
    first, last = _aware(first, zone), _aware(last, zone)
    if filters.start is not None and first < datetime.combine(filters.start, time.min, zone):
        return False
    return not (filters.end is not None and last >= datetime.combine(filters.end + timedelta(days=1), time.min, zone))


def _findings_in(conn: Connection, scope: Scope, filters: Filters) -> tuple[sa.FromClause, sa.ColumnElement]:
    """FROM clause and condition for the findings of the contacts that scope and filters select."""
    if _selects_every_contact(conn, scope, filters):
        return _FINDING, sa.true()
    return _FINDING.join(_CONTACT, F.call_id == C.call_id), _where(scope, filters)


def _aware(value: Any, zone: ZoneInfo) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:  # SQLite keeps UTC without an offset
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(zone)


def _local_day(conn: Connection, tz: str, reference: date | None) -> sa.ColumnElement:
    """SQL expression for the contact's calendar day in ``tz``."""
    if conn.dialect.name == "postgresql":
        return sa.cast(sa.func.timezone(tz, C.started_at), sa.Date)
    # SQLite has no time-zone database: use the zone's offset on the reference day (the
    # business zones in question, Asia/Shanghai among them, have no daylight saving).
    ref = datetime.combine(reference or date.today(), time(12), ZoneInfo(tz))
    minutes = int(ref.utcoffset().total_seconds() // 60)
    return sa.func.date(C.started_at, f"{minutes:+d} minutes")


def _as_date(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


# ----------------------------------------------------------------------------- overview


def overview_kpis(db: Database, scope: Scope, filters: Filters) -> OverviewKPIs:
    """Headline figures: contacts, audited, compliant/non-compliant, findings, open reviews."""
    where = _where(scope, filters)
    with _connection(db) as conn:
        contacts, audited, compliant, non_compliant, errors, avg_score = conn.execute(
            sa.select(
                sa.func.count(),
                _count(C.status.in_(AUDITED)),
                _count(C.passed == sa.true()),
                _count(C.passed == sa.false()),
                _count(C.status == ContactStatus.FAILED.value),
                sa.func.avg(C.score),
            ).where(where)
        ).one()
        source, in_selection = _findings_in(conn, scope, filters)
        findings, critical, open_ = conn.execute(
            sa.select(
                sa.func.count(),
                _count(F.severity == Severity.CRITICAL.value),
                _count(F.review_status.in_(NEEDS_REVIEW)),
            )
            .select_from(source)
            .where(in_selection, F.review_status.not_in(UNCOUNTED))
        ).one()
    return OverviewKPIs(int(contacts), int(audited), int(compliant), int(non_compliant), int(errors),
                        _float(avg_score), int(findings), int(critical), int(open_))


def findings_by_category(db: Database, scope: Scope, filters: Filters) -> list[CategoryCount]:
    """Non-dismissed findings per category, most frequent first."""
    with _connection(db) as conn:
        source, in_selection = _findings_in(conn, scope, filters)
        rows = conn.execute(
            sa.select(F.category, sa.func.count(), _count(F.severity == Severity.CRITICAL.value))
            .select_from(source)
            .where(in_selection, F.review_status.not_in(UNCOUNTED))
            .group_by(F.category)
        ).all()
    out = [CategoryCount(cat, int(n), int(crit)) for cat, n, crit in rows]
    return sorted(out, key=lambda r: (-r.findings, r.category))


def trend_by_day(db: Database, scope: Scope, filters: Filters) -> list[DayPoint]:
    """Contacts, compliance and findings per calendar day (days without contacts omitted).

    One scan of ``contact``: the findings per day are the sum of ``contact.finding_count`` (the
    contact's non-dismissed findings, kept by :mod:`audit.store` when a contact is audited and
    by :func:`audit.review.rescore_contact` when a finding is reviewed) instead of a join with
    ``finding``, which made this the slowest overview query at a million contacts.
    """
    where = _where(scope, filters)
    with _connection(db) as conn:
        if conn.dialect.name == "postgresql" and (conn.dialect.server_version_info or (0,)) >= (14,):
            return _trend_by_day_in_buckets(conn, where, filters.tz)
        day = _local_day(conn, filters.tz, filters.start).label("day")
        rows = conn.execute(
            sa.select(day, sa.func.count(), _count(C.passed == sa.true()), _count(C.passed == sa.false()),
                      sa.func.coalesce(sa.func.sum(C.finding_count), 0), sa.func.avg(C.score))
            .where(where).group_by(day).order_by(day)
        ).all()
    return [
        DayPoint(_as_date(d), int(n), int(ok), int(bad), int(found), _float(avg))
        for d, n, ok, bad, found, avg in rows
    ]


def _trend_by_day_in_buckets(conn: Connection, where: sa.ColumnElement, tz: str) -> list[DayPoint]:
    """:func:`trend_by_day` on PostgreSQL 14+: aggregate 15-minute UTC buckets, then days.

    Converting every contact's time to the business zone (``timezone()``) was most of the
    trend's cost at a million contacts; ``date_bin`` is integer arithmetic, and only the few
    thousand buckets are converted. Exact because every time zone's UTC offset is a whole
    number of quarter hours, so a local midnight always falls on a bucket boundary. Migration
    0003 keeps statistics on the bucket expression (it must stay as written here).
    """
    bucket = sa.func.date_bin(sa.literal_column("interval '15 minutes'"), C.started_at,
                              sa.literal_column("timestamptz '2000-01-01 00:00:00+00'")).label("bucket")
    buckets = (
        sa.select(bucket, sa.func.count().label("n"), _count(C.passed == sa.true()).label("ok"),
                  _count(C.passed == sa.false()).label("bad"), sa.func.sum(C.finding_count).label("found"),
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
        DayPoint(_as_date(d), int(n), int(ok), int(bad), int(found), float(total) / int(scored) if scored else None)
        for d, n, ok, bad, found, total, scored in rows
    ]


BreakdownKey = Literal["team", "agency", "creditor", "product", "kind", "agent_id"]


def breakdown(db: Database, scope: Scope, filters: Filters, by: BreakdownKey) -> list[GroupRow]:
    """Contacts, compliance and findings grouped by a contact column, largest group first."""
    if by not in BreakdownKey.__args__:  # type: ignore[attr-defined]
        raise ValueError(f"cannot break down by {by!r}; choose one of {', '.join(BreakdownKey.__args__)}")  # type: ignore[attr-defined]
    column = C[by]
    where = _where(scope, filters)
    # Findings are the contacts' finding_count (non-dismissed, kept by the store and by reviews),
    # so the contacts need one scan and no join. Critical findings, a small share, are counted
    # by a second query instead of joining a per-contact count onto every contact (which cost as
    # much as the scan itself). A non-dismissed critical finding fails its contact
    # (audit.scoring.score_contact, applied by the store and by every review), so only contacts
    # not marked passed can hold one: that condition keeps ~93% of the contacts out of the join.
    q = (
        sa.select(column, sa.func.count(), _count(C.passed == sa.true()), _count(C.passed == sa.false()),
                  sa.func.avg(C.score), sa.func.coalesce(sa.func.sum(C.finding_count), 0))
        .where(where)
        .group_by(column)
    )
    critical = (
        sa.select(column, sa.func.count())
        .select_from(_FINDING.join(_CONTACT, F.call_id == C.call_id))
        .where(where, C.passed.is_not(sa.true()),  # the predicate of ix_contact_unpassed
               F.severity == Severity.CRITICAL.value, F.review_status.not_in(UNCOUNTED))
        .group_by(column)
    )
    with _connection(db) as conn:
        groups = conn.execute(q).all()
        critical_by_key = dict(conn.execute(critical).all())
    rows = [
        GroupRow(key or "", int(n), int(ok), int(bad), _float(avg), int(found), int(critical_by_key.get(key, 0)))
        for key, n, ok, bad, avg, found in groups
    ]
    return sorted(rows, key=lambda r: (-r.contacts, r.key))


_COMBO_COLUMNS = (C.team, C.agency, C.creditor, C.product, C.kind, C.agent_id)  # ix_contact_filter_combo's keys


def _filter_combos_skip_scan(conn: Connection, scope: Scope) -> list[sa.Row]:
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
    where = _where(scope, None)
    with _connection(db) as conn:
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
        first_day=_aware(first, zone).date() if first else None,
        last_day=_aware(last, zone).date() if last else None,
    )


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


# ----------------------------------------------------------------------------- calls

SORTS = {
    "started_at": C.started_at,
    "score": C.score,
    "call_id": C.call_id,
    "agent_id": C.agent_id,
    "team": C.team,
    "talk_seconds": C.talk_seconds,
    "findings": None,  # the correlated count, built in list_contacts
}


def _line_match(db: Database, where: sa.ColumnElement, query: str, masked: bool) -> sa.ColumnElement:
    """Transcript lines (``S``) that contain ``query`` as the viewer reads them, or sound like it.

    Chinese has no word boundaries, so a substring LIKE is the right tool; and speech recognition
    keeps the sound of a word while changing its characters, so a line also matches when its
    sound key (``segment.sound``, :mod:`audit.search`) contains the query's, as the rules match.

    A viewer who sees personal numbers masked (``masked``) must only match the *masked* text:
    matching the clear text answers "is 138****5678's fourth digit 1?" with hit or no hit, and a
    dozen searches rebuild the number. Masking only turns digits into ``*``, so a query with no
    digit in any script (Arabic, full-width, Chinese) and no ``*`` matches the masked and the clear
    text alike and stays one LIKE, except that its *sound* could land on a masked Chinese numeral:
    such candidate lines that hold a personal number are checked on their masked text here. For
    any other query (one that could touch a masked digit) only the masked text's characters count:
    the LIKE's candidate lines within ``where`` are masked here and the ones whose masked text
    lacks the query are excluded by id. (A query holding ``*`` thus finds only a literal star: a
    masked number cannot be searched for.)
    """
    from audit.masking import find_pii
    from audit.search import matches, query_key

    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    like = S.text.like(f"%{escaped}%", escape="\\")
    touches = masked and can_touch_masked(query)
    key = None if touches else query_key(query)
    cond = like if key is None else sa.or_(like, S.sound.like(f"%{key}%"))
    if not masked or (key is None and not touches):
        return cond
    candidates = (
        sa.select(S.id, S.text).select_from(models.Segment.__table__.join(_CONTACT, S.call_id == C.call_id))
        .where(where, cond)
    )
    with _connection(db) as conn:
        if touches:
            misses = [seg_id for seg_id, text in conn.execute(candidates) if query not in mask_pii(text)]
        else:
            misses = [seg_id for seg_id, text in conn.execute(candidates)
                      if find_pii(text) and not matches(mask_pii(text), query)]
    return sa.and_(cond, S.id.not_in(misses)) if misses else cond


def _search_condition(db: Database, where: sa.ColumnElement, query: str, masked: bool) -> sa.ColumnElement:
    """Contacts with a transcript line matching ``query`` (see :func:`_line_match`)."""
    return sa.exists(sa.select(1).where(S.call_id == C.call_id, _line_match(db, where, query, masked)))


def list_contacts(
    db: Database,
    scope: Scope,
    filters: Filters,
    *,
    search: str | None = None,
    masked: bool = False,
    status: str | None = None,
    passed: bool | None = None,
    category: str | None = None,
    sort: str = "started_at",
    descending: bool = True,
    limit: int = 200,
    offset: int = 0,
) -> ContactPage:
    """One page of contacts with score, status, finding count and top finding.

    Args:
        search: Only contacts whose transcript contains this text.
        masked: The viewer sees personal numbers masked: ``search`` matches the masked
            transcript only (see :func:`_line_match`).
        status: Only contacts with this status (audited, no_recording, failed, pending).
        passed: Only compliant (True) or non-compliant (False) contacts.
        category: Only contacts with a non-dismissed finding of this category.
        sort: One of :data:`SORTS`.
        descending: Sort direction; ties are broken by call id.
        limit: Page size.
        offset: Rows to skip.

    Returns:
        The page and the total number of matching contacts.
    """
    if sort not in SORTS:
        raise ValueError(f"cannot sort contacts by {sort!r}; choose one of {', '.join(SORTS)}")
    cond = [_where(scope, filters)]
    if search and search.strip():
        cond.append(_search_condition(db, cond[0], search.strip(), masked))
    if status:
        cond.append(C.status == status)
    if passed is not None:
        cond.append(C.passed == (sa.true() if passed else sa.false()))
    if category:
        cond.append(sa.exists(sa.select(1).where(F.call_id == C.call_id, F.category == category,
                                                 F.review_status.not_in(UNCOUNTED))))
    where = sa.and_(*cond)
    n_findings = (
        sa.select(sa.func.count()).where(F.call_id == C.call_id, F.review_status.not_in(UNCOUNTED))
        .correlate(_CONTACT).scalar_subquery()
    )
    top = (
        sa.select(F.id).where(F.call_id == C.call_id, F.review_status.not_in(UNCOUNTED))
        .order_by(_severity_rank().desc(), F.start.is_(None), F.start, F.id).limit(1)
        .correlate(_CONTACT).scalar_subquery()
    )
    key = n_findings if sort == "findings" else SORTS[sort]
    order = [key.desc() if descending else key.asc()]
    if sort == "score":  # unscored contacts last either way
        order.insert(0, C.score.is_(None))
    order.append(C.call_id)
    q = (
        sa.select(C.call_id, C.started_at, C.kind, C.agent_id, A.name, C.team, C.agency, C.creditor, C.product,
                  C.status, C.score, C.passed, n_findings.label("n"), top.label("top"))
        .select_from(_CONTACT.outerjoin(models.Agent.__table__, A.agent_id == C.agent_id))
        .where(where).order_by(*order).limit(limit).offset(offset)
    )
    zone = ZoneInfo(filters.tz)
    with _connection(db) as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(_CONTACT).where(where)).scalar_one()
        rows = conn.execute(q).all()
        top_ids = [r.top for r in rows if r.top is not None]
        tops = {
            r.id: TopFinding(r.id, r.rule_id, r.category, r.severity, r.title or "")
            for r in conn.execute(sa.select(F.id, F.rule_id, F.category, F.severity, F.title).where(F.id.in_(top_ids)))
        } if top_ids else {}
    return ContactPage(
        rows=[
            ContactRow(r.call_id, _aware(r.started_at, zone), r.kind, r.agent_id, r.name or "", r.team, r.agency,
                       r.creditor, r.product, r.status, _float(r.score), r.passed, int(r.n), tops.get(r.top))
            for r in rows
        ],
        total=int(total),
    )


def search_transcripts(db: Database, scope: Scope, filters: Filters, query: str, *, limit: int = 100,
                       masked: bool = False) -> list[SearchHit]:
    """Transcript lines containing ``query`` (newest contacts first).

    With ``masked`` (the viewer sees personal numbers masked) only lines whose masked text
    contains ``query`` are returned (see :func:`_line_match`).
    """
    query = query.strip()
    if not query:
        return []
    where = _where(scope, filters)
    q = (
        sa.select(S.call_id, S.idx, S.start, S.role, S.text)
        .select_from(models.Segment.__table__.join(_CONTACT, S.call_id == C.call_id))
        .where(where, _line_match(db, where, query, masked))
        .order_by(C.started_at.desc(), S.call_id, S.idx).limit(limit)
    )
    with _connection(db) as conn:
        return [SearchHit(r.call_id, r.idx, float(r.start), r.role, r.text) for r in conn.execute(q)]


# ----------------------------------------------------------------------------- one contact


def contact_detail(db: Database, scope: Scope, call_id: str, *, tz: str = DEFAULT_TZ) -> ContactDetail | None:
    """The contact's metadata, or None when it does not exist *or* lies outside ``scope``.

    The two cases are deliberately indistinguishable, so an id typed into a URL reveals nothing.
    """
    q = (
        sa.select(_CONTACT, A.name.label("agent_name"))
        .select_from(_CONTACT.outerjoin(models.Agent.__table__, A.agent_id == C.agent_id))
        .where(C.call_id == call_id, *scope.conditions())
    )
    with _connection(db) as conn:
        r = conn.execute(q).first()
    if r is None:
        return None
    m = r._mapping
    return ContactDetail(
        call_id=m["call_id"], kind=m["kind"], started_at=_aware(m["started_at"], ZoneInfo(tz)),
        talk_seconds=float(m["talk_seconds"] or 0), outcome=m["outcome"], agent_id=m["agent_id"],
        agent_name=m["agent_name"] or "", team=m["team"], agency=m["agency"], creditor=m["creditor"],
        product=m["product"], case_id=m["case_id"], debtor_id=m["debtor_id"], contact_role=m["contact_role"],
        days_past_due=m["days_past_due"], visit_staff=m["visit_staff"], channel_layout=m["channel_layout"],
        audio_path=m["audio_path"], duration_s=_float(m["duration_s"]), status=m["status"],
        failure_reason=m["failure_reason"], score=_float(m["score"]), passed=m["passed"],
        rule_pack_version=m["rule_pack_version"],
    )


def contact_recording(db: Database, scope: Scope, call_id: str) -> Path | None:
    """The audited recording of a contact, checked, or None when out of scope or not recorded.

    The path comes from the database's own record, never from a request: the contact must be in
    ``scope``, the file inside the input folder of the run that audited it, and its bytes the
    audited ones (:func:`audit.paths.stored_recording`).

    Raises:
        audit.paths.UnsafePath: the stored path leaves the run's input folder or the file changed.
        FileNotFoundError: the recording is no longer on this machine.
    """
    R = models.AuditRun.__table__.c
    q = (
        sa.select(C.audio_path, C.audio_sha256, C.status, R.input_dir)
        .select_from(_CONTACT.outerjoin(models.AuditRun.__table__, R.id == C.run_id))
        .where(C.call_id == call_id, *scope.conditions())
    )
    with _connection(db) as conn:
        r = conn.execute(q).first()
    if r is None or r.status != ContactStatus.AUDITED.value or not r.audio_path:
        return None
    return stored_recording(r.audio_path, r.input_dir, r.audio_sha256)


def contact_segments(db: Database, scope: Scope, call_id: str) -> list[SegmentRow]:
    """The contact's transcript in order (empty when out of scope)."""
    q = (
        sa.select(S.idx, S.speaker, S.role, S.start, S.end, S.text, S.acoustics)
        .select_from(models.Segment.__table__.join(_CONTACT, S.call_id == C.call_id))
        .where(S.call_id == call_id, *scope.conditions()).order_by(S.idx)
    )
    with _connection(db) as conn:
        return [SegmentRow(r.idx, r.speaker, r.role, float(r.start), float(r.end), r.text,
                           r.acoustics if isinstance(r.acoustics, dict) else None) for r in conn.execute(q)]


def _finding_row(r) -> FindingRow:
    return FindingRow(
        id=r.id, call_id=r.call_id, rule_id=r.rule_id, category=r.category, severity=r.severity,
        title=r.title or "", citation=r.citation or "", speaker=r.speaker, role=r.role,
        start=_float(r.start), end=_float(r.end), evidence=r.evidence or "", review_status=r.review_status,
        review_reason=r.review_reason, reviewed_by=r.reviewed_by,
        reviewed_at=_aware(r.reviewed_at, ZoneInfo(DEFAULT_TZ)),
        detector=r.detector or "", confidence=_float(r.confidence) if r.confidence is not None else 1.0,
    )


def contact_findings(db: Database, scope: Scope, call_id: str) -> list[FindingRow]:
    """All the contact's findings (dismissed included), in recording order, contact-level last."""
    q = (
        sa.select(_FINDING).select_from(_FINDING.join(_CONTACT, F.call_id == C.call_id))
        .where(F.call_id == call_id, *scope.conditions())
        .order_by(F.start.is_(None), F.start, _severity_rank().desc(), F.id)
    )
    with _connection(db) as conn:
        return [_finding_row(r) for r in conn.execute(q)]


def finding_in_scope(db: Database, scope: Scope, finding_id: int) -> FindingRow | None:
    """One finding, or None when it does not exist or lies outside ``scope``."""
    q = (
        sa.select(_FINDING).select_from(_FINDING.join(_CONTACT, F.call_id == C.call_id))
        .where(F.id == finding_id, *scope.conditions())
    )
    with _connection(db) as conn:
        r = conn.execute(q).first()
    return _finding_row(r) if r is not None else None


# ----------------------------------------------------------------------------- rules and review


def rule_hits(db: Database, scope: Scope, filters: Filters) -> list[RuleHits]:
    """Findings per rule with their review outcomes (dismissed ones included), most hits first."""
    q = (
        sa.select(F.rule_id, sa.func.max(F.category), sa.func.count(),
                  *(_count(F.review_status == s.value) for s in models.ReviewStatus))
        .select_from(_FINDING.join(_CONTACT, F.call_id == C.call_id))
        .where(_where(scope, filters)).group_by(F.rule_id)
    )
    statuses = [s.value for s in models.ReviewStatus]
    out = []
    with _connection(db) as conn:
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
                  *(_count(F.review_status == s.value) for s in (models.ReviewStatus.CONFIRMED,
                                                                 models.ReviewStatus.DISMISSED,
                                                                 models.ReviewStatus.SUSPECTED)))
        .select_from(_FINDING.join(_CONTACT, F.call_id == C.call_id))
        .where(_where(scope, filters)).group_by(F.detector)
    )
    with _connection(db) as conn:
        out = [DetectorHits(detector or "", int(hits), int(confirmed), int(dismissed), int(suspected))
               for detector, hits, confirmed, dismissed, suspected in conn.execute(q)]
    return sorted(out, key=lambda d: (-d.hits, d.detector))


def review_queue(db: Database, scope: Scope, filters: Filters, *, limit: int = 200,
                 now: datetime | None = None) -> list[QueueItem]:
    """Findings waiting for a reviewer (open, appealed or suspected): most severe first, then oldest contact."""
    q = (
        sa.select(F.id, F.call_id, F.rule_id, F.category, F.severity, F.title, F.evidence, F.review_status,
                  F.start, C.started_at, C.agent_id, C.team, F.detector, F.confidence)
        .select_from(_FINDING.join(_CONTACT, F.call_id == C.call_id))
        .where(_where(scope, filters), F.review_status.in_(NEEDS_REVIEW))
        .order_by(_severity_rank().desc(), C.started_at, F.start.is_(None), F.start, F.id).limit(limit)
    )
    zone = ZoneInfo(filters.tz)
    now = now or datetime.now(timezone.utc)
    with _connection(db) as conn:
        rows = conn.execute(q).all()
    out = []
    for r in rows:
        started = _aware(r.started_at, zone)
        out.append(QueueItem(r.id, r.call_id, r.rule_id, r.category, r.severity, r.title or "", r.evidence or "",
                             r.review_status, _float(r.start), started, r.agent_id, r.team,
                             max(0, (now - started).days), r.detector or "",
                             _float(r.confidence) if r.confidence is not None else 1.0))
    return out


def review_history(db: Database, scope: Scope, *, call_id: str | None = None, limit: int = 200,
                   tz: str = DEFAULT_TZ) -> list[LogRow]:
    """Review-log entries (newest first), optionally for one contact."""
    cond = [*scope.conditions()]
    if call_id is not None:
        cond.append(L.call_id == call_id)
    q = (
        sa.select(L.id, L.finding_id, L.call_id, L.user, L.at, L.action, L.before, L.after, L.reason)
        .select_from(models.ReviewLog.__table__.join(_CONTACT, L.call_id == C.call_id))
        .where(sa.true(), *cond).order_by(L.at.desc(), L.id.desc()).limit(limit)
    )
    zone = ZoneInfo(tz)
    with _connection(db) as conn:
        return [LogRow(r.id, r.finding_id, r.call_id, r.user, _aware(r.at, zone), r.action, r.before, r.after,
                       r.reason) for r in conn.execute(q)]


def visible_call_ids(db: Database, scope: Scope, filters: Filters, *, limit: int = 500) -> list[str]:
    """Call ids within scope and filters, newest first (for pickers)."""
    q = sa.select(C.call_id).where(_where(scope, filters)).order_by(C.started_at.desc(), C.call_id).limit(limit)
    with _connection(db) as conn:
        return [cid for (cid,) in conn.execute(q)]


# ----------------------------------------------------------------------------- debtor timeline


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
    with _connection(db) as conn:
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
        first, last = _aware(first, zone), _aware(last, zone)
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
        .select_from(_CONTACT.outerjoin(models.Agent.__table__, A.agent_id == C.agent_id))
        .where(key, *scope.conditions()).order_by(C.started_at, C.call_id).limit(limit)
    )
    zone = ZoneInfo(tz)
    with _connection(db) as conn:
        rows = conn.execute(q).all()
        findings: dict[str, list[TimelineFinding]] = {}
        ids = [r.call_id for r in rows]
        for chunk in range(0, len(ids), 500):
            for f in conn.execute(
                sa.select(
                    F.id, F.call_id, F.rule_id, F.category, F.severity, F.review_status, F.start, F.evidence
                )
                .where(F.call_id.in_(ids[chunk : chunk + 500]))
                .order_by(F.call_id, _severity_rank().desc(), F.start.is_(None), F.start, F.id)
            ):
                findings.setdefault(f.call_id, []).append(
                    TimelineFinding(
                        f.id,
                        f.rule_id,
                        f.category,
                        f.severity,
                        f.review_status,
                        _float(f.start),
                        f.evidence or "",
                    )
                )
    return [TimelineContact(
        r.call_id, _aware(r.started_at, zone), r.kind, r.outcome, float(r.talk_seconds or 0), r.agent_id,
        r.name or "", r.team, r.agency, r.creditor, r.case_id, r.debtor_id, r.contact_role, r.phone, r.status,
        _float(r.score), r.passed, tuple(findings.get(r.call_id, ())),
    ) for r in rows]
