"""The Calls pages: the list of contacts (with transcript search) and one contact's detail,
transcript, findings and recording.

Every function takes a database and a :class:`~audit.read.scope.Scope`; a contact outside the
scope is invisible, even when its id is typed into a URL (definitions in :mod:`audit.read`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from audit import models
from audit.masking import can_touch_masked, mask_pii
from audit.paths import stored_recording
from audit.read.scope import DEFAULT_TZ, Filters, Scope
from audit.read.sql import (
    CONTACT,
    FINDING,
    A,
    C,
    Database,
    F,
    S,
    as_float,
    aware,
    connection,
    contacts_where,
    severity_rank,
)
from audit.schema import ContactStatus
from audit.scoring import UNCOUNTED


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
    # the collector who said it, by voice (pipelines.voices): an agent id, "unregistered" or None
    agent_id: str | None = None


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
    agent_id: str | None = None  # the collector who said it, by voice; None: the contact's agent


@dataclass(frozen=True)
class SearchHit:
    call_id: str
    idx: int
    start: float
    role: str
    text: str


# ----------------------------------------------------------------------------- the list

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
        sa.select(S.id, S.text).select_from(models.table_of(models.Segment).join(CONTACT, S.call_id == C.call_id))
        .where(where, cond)
    )
    with connection(db) as conn:
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
        passed: Only contacts that passed (True) or did not pass (False).
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
    cond = [contacts_where(scope, filters)]
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
        .correlate(CONTACT).scalar_subquery()
    )
    top = (
        sa.select(F.id).where(F.call_id == C.call_id, F.review_status.not_in(UNCOUNTED))
        .order_by(severity_rank().desc(), F.start.is_(None), F.start, F.id).limit(1)
        .correlate(CONTACT).scalar_subquery()
    )
    key = n_findings if sort == "findings" else SORTS[sort]
    assert key is not None  # only "findings" maps to None: its key is the count
    order: list[sa.ColumnElement[Any]] = [key.desc() if descending else key.asc()]
    if sort == "score":  # unscored contacts last either way
        order.insert(0, C.score.is_(None))
    order.append(C.call_id)
    q = (
        sa.select(C.call_id, C.started_at, C.kind, C.agent_id, A.name, C.team, C.agency, C.creditor, C.product,
                  C.status, C.score, C.passed, n_findings.label("n"), top.label("top"))
        .select_from(CONTACT.outerjoin(models.table_of(models.Agent), A.agent_id == C.agent_id))
        .where(where).order_by(*order).limit(limit).offset(offset)
    )
    zone = ZoneInfo(filters.tz)
    with connection(db) as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(CONTACT).where(where)).scalar_one()
        rows = conn.execute(q).all()
        top_ids = [r.top for r in rows if r.top is not None]
        tops = {
            r.id: TopFinding(r.id, r.rule_id, r.category, r.severity, r.title or "")
            for r in conn.execute(sa.select(F.id, F.rule_id, F.category, F.severity, F.title).where(F.id.in_(top_ids)))
        } if top_ids else {}
    return ContactPage(
        rows=[
            ContactRow(r.call_id, aware(r.started_at, zone), r.kind, r.agent_id, r.name or "", r.team,
                       r.agency, r.creditor, r.product, r.status, as_float(r.score), r.passed, int(r.n),
                       tops.get(r.top))
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
    where = contacts_where(scope, filters)
    q = (
        sa.select(S.call_id, S.idx, S.start, S.role, S.text)
        .select_from(models.table_of(models.Segment).join(CONTACT, S.call_id == C.call_id))
        .where(where, _line_match(db, where, query, masked))
        .order_by(C.started_at.desc(), S.call_id, S.idx).limit(limit)
    )
    with connection(db) as conn:
        return [SearchHit(r.call_id, r.idx, float(r.start), r.role, r.text) for r in conn.execute(q)]



def visible_call_ids(db: Database, scope: Scope, filters: Filters, *, limit: int = 500) -> list[str]:
    """Call ids within scope and filters, newest first (for pickers)."""
    q = (sa.select(C.call_id).where(contacts_where(scope, filters))
         .order_by(C.started_at.desc(), C.call_id).limit(limit))
    with connection(db) as conn:
        return [cid for (cid,) in conn.execute(q)]



# ----------------------------------------------------------------------------- one contact


def contact_detail(db: Database, scope: Scope, call_id: str, *, tz: str = DEFAULT_TZ) -> ContactDetail | None:
    """The contact's metadata, or None when it does not exist *or* lies outside ``scope``.

    The two cases are deliberately indistinguishable, so an id typed into a URL reveals nothing.
    """
    q = (
        sa.select(CONTACT, A.name.label("agent_name"))
        .select_from(CONTACT.outerjoin(models.table_of(models.Agent), A.agent_id == C.agent_id))
        .where(C.call_id == call_id, *scope.conditions())
    )
    with connection(db) as conn:
        r = conn.execute(q).first()
    if r is None:
        return None
    m = r._mapping
    return ContactDetail(
        call_id=m["call_id"], kind=m["kind"], started_at=aware(m["started_at"], ZoneInfo(tz)),
        talk_seconds=float(m["talk_seconds"] or 0), outcome=m["outcome"], agent_id=m["agent_id"],
        agent_name=m["agent_name"] or "", team=m["team"], agency=m["agency"], creditor=m["creditor"],
        product=m["product"], case_id=m["case_id"], debtor_id=m["debtor_id"], contact_role=m["contact_role"],
        days_past_due=m["days_past_due"], visit_staff=m["visit_staff"], channel_layout=m["channel_layout"],
        audio_path=m["audio_path"], duration_s=as_float(m["duration_s"]), status=m["status"],
        failure_reason=m["failure_reason"], score=as_float(m["score"]), passed=m["passed"],
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
    R = models.table_of(models.AuditRun).c
    q = (
        sa.select(C.audio_path, C.audio_sha256, C.status, R.input_dir)
        .select_from(CONTACT.outerjoin(models.table_of(models.AuditRun), R.id == C.run_id))
        .where(C.call_id == call_id, *scope.conditions())
    )
    with connection(db) as conn:
        r = conn.execute(q).first()
    if r is None or r.status != ContactStatus.AUDITED.value or not r.audio_path:
        return None
    return stored_recording(r.audio_path, r.input_dir, r.audio_sha256)


def contact_segments(db: Database, scope: Scope, call_id: str) -> list[SegmentRow]:
    """The contact's transcript in order (empty when out of scope)."""
    q = (
        sa.select(S.idx, S.speaker, S.role, S.start, S.end, S.text, S.acoustics, S.agent_id)
        .select_from(models.table_of(models.Segment).join(CONTACT, S.call_id == C.call_id))
        .where(S.call_id == call_id, *scope.conditions()).order_by(S.idx)
    )
    with connection(db) as conn:
        return [SegmentRow(r.idx, r.speaker, r.role, float(r.start), float(r.end), r.text,
                           r.acoustics if isinstance(r.acoustics, dict) else None, r.agent_id)
                for r in conn.execute(q)]


def _finding_row(r) -> FindingRow:
    return FindingRow(
        id=r.id, call_id=r.call_id, rule_id=r.rule_id, category=r.category, severity=r.severity,
        title=r.title or "", citation=r.citation or "", speaker=r.speaker, role=r.role,
        start=as_float(r.start), end=as_float(r.end), evidence=r.evidence or "",
        review_status=r.review_status,
        review_reason=r.review_reason, reviewed_by=r.reviewed_by,
        reviewed_at=aware(r.reviewed_at, ZoneInfo(DEFAULT_TZ)),
        detector=r.detector or "", confidence=as_float(r.confidence) if r.confidence is not None else 1.0,
        agent_id=r.agent_id,
    )


def contact_findings(db: Database, scope: Scope, call_id: str) -> list[FindingRow]:
    """All the contact's findings (dismissed included), in recording order, contact-level last."""
    q = (
        sa.select(FINDING).select_from(FINDING.join(CONTACT, F.call_id == C.call_id))
        .where(F.call_id == call_id, *scope.conditions())
        .order_by(F.start.is_(None), F.start, severity_rank().desc(), F.id)
    )
    with connection(db) as conn:
        return [_finding_row(r) for r in conn.execute(q)]


def finding_in_scope(db: Database, scope: Scope, finding_id: int) -> FindingRow | None:
    """One finding, or None when it does not exist or lies outside ``scope``."""
    q = (
        sa.select(FINDING).select_from(FINDING.join(CONTACT, F.call_id == C.call_id))
        .where(F.id == finding_id, *scope.conditions())
    )
    with connection(db) as conn:
        r = conn.execute(q).first()
    return _finding_row(r) if r is not None else None

