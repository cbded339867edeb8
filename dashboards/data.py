"""Data access for the dashboard: the one module that touches the database.

The engine and the users file are ``st.cache_resource`` (one per process); query results are
``st.cache_data`` with a short TTL, keyed by database URL, :class:`~audit.read.scope.Scope` and
:class:`~audit.read.scope.Filters`, so two users with different scopes never share an entry.
Review actions go straight to :mod:`audit.review` and then clear the cached results.

The database URL comes from ``AUDIT_DB_URL`` (``audit dashboard --db URL`` sets it); the users
file from ``AUDIT_USERS_FILE`` (``--users FILE``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import streamlit as st

from audit import auth, review, sessions
from audit.read import contacts as read_contacts
from audit.read import overview as read_overview
from audit.read import review as read_review
from audit.read import timeline as read_timeline
from audit.read.scope import Filters, Scope
from audit.read.sql import tune_engine
from audit.settings import get_settings
from audit.storage import database_url, init_db, make_engine
from dashboards import wiring

TTL_SECONDS = 60


def db_url() -> str:
    """The database this dashboard shows (``AUDIT_DB_URL`` or the default SQLite file)."""
    return database_url(None)


@st.cache_resource(show_spinner=False)
def engine(url: str):
    """One engine per database; the schema is brought up to date on first use."""
    eng = tune_engine(make_engine(url))
    init_db(eng)  # a fresh database shows empty pages instead of "no such table"
    return eng


@st.cache_resource(show_spinner=False)
def _load_users(path: str, mtime: float) -> dict[str, auth.User]:
    return auth.load_users(path)


def users() -> dict[str, auth.User]:
    """The users file, re-read when it changes (``audit users add`` while the dashboard runs).

    Raises:
        auth.AuthConfigError: Missing or invalid file (the login page shows the message).
    """
    path = auth.users_file()
    mtime = path.stat().st_mtime if path.exists() else 0.0
    return _load_users(str(path), mtime)


def session_secret() -> bytes:
    """The key that signs session cookies (:func:`audit.sessions.load_secret`).

    Raises:
        audit.sessions.SessionError: it cannot be read or created.
    """
    key = get_settings().secret_key
    return _secret(str(auth.users_file().resolve()), key.get_secret_value() if key else None)


@st.cache_resource(show_spinner=False)
def _secret(users_path: str, _env: str | None) -> bytes:
    return sessions.load_secret(users_path)


def record_auth_event(event: str, username: str, *, address: str | None = None, detail: str = "",
                      session_id: str | None = None) -> None:
    """One line in the sign-in log (:func:`audit.sessions.record`)."""
    sessions.record(engine(db_url()), event, username, address=address, session_id=session_id, detail=detail)


def session_revoked(session_id: str) -> bool:
    """Whether the session was signed out (in any tab); checked on every run of a signed-in page."""
    return sessions.is_revoked(engine(db_url()), session_id)


SERVER_ROUTE_PREFIX = "_callaudit"  # dashboards/server.py serves its routes under it


def server_path(name: str) -> str:
    """The URL path of one of the dashboard server's own routes, under ``server.baseUrlPath``."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    return "/" + "/".join(p for p in (base, SERVER_ROUTE_PREFIX, name) if p)


@st.cache_resource(show_spinner=False)
def rule_pack():
    """The active rule pack (for the Rules page)."""
    from audit.rules import load_pack

    return load_pack()


# ----------------------------------------------------------------------------- cached queries


@dataclass(frozen=True)
class Overview:
    kpis: read_overview.OverviewKPIs
    categories: list[read_overview.CategoryCount]
    trend: list[read_overview.DayPoint]
    by_team: list[read_overview.GroupRow]
    by_agency: list[read_overview.GroupRow]
    by_creditor: list[read_overview.GroupRow]


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def filter_options(url: str, scope: Scope) -> read_overview.FilterOptions:
    return read_overview.filter_options(engine(url), scope)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def overview(url: str, scope: Scope, filters: Filters) -> Overview:
    with engine(url).connect() as conn:
        return Overview(
            kpis=read_overview.overview_kpis(conn, scope, filters),
            categories=read_overview.findings_by_category(conn, scope, filters),
            trend=read_overview.trend_by_day(conn, scope, filters),
            by_team=read_overview.breakdown(conn, scope, filters, "team"),
            by_agency=read_overview.breakdown(conn, scope, filters, "agency"),
            by_creditor=read_overview.breakdown(conn, scope, filters, "creditor"),
        )


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def contacts(url: str, scope: Scope, filters: Filters, **kwargs: Any) -> read_contacts.ContactPage:
    return read_contacts.list_contacts(engine(url), scope, filters, **kwargs)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def search(url: str, scope: Scope, filters: Filters, text: str, *, masked: bool) -> list[read_contacts.SearchHit]:
    """Matching transcript lines; ``masked``: match the masked text only (a user without see_pii)."""
    return read_contacts.search_transcripts(engine(url), scope, filters, text, masked=masked)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def call_ids(url: str, scope: Scope, filters: Filters) -> list[str]:
    return read_contacts.visible_call_ids(engine(url), scope, filters)


@dataclass(frozen=True)
class CallView:
    detail: read_contacts.ContactDetail
    segments: list[read_contacts.SegmentRow]
    findings: list[read_contacts.FindingRow]
    history: list[read_review.LogRow]


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def call(url: str, scope: Scope, call_id: str) -> CallView | None:
    """Everything the Call detail page shows, or None when not found or out of scope."""
    with engine(url).connect() as conn:
        detail = read_contacts.contact_detail(conn, scope, call_id)
        if detail is None:
            return None
        return CallView(detail, read_contacts.contact_segments(conn, scope, call_id),
                        read_contacts.contact_findings(conn, scope, call_id),
                        read_review.review_history(conn, scope, call_id=call_id))


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def rule_hits(url: str, scope: Scope, filters: Filters) -> list[read_review.RuleHits]:
    return read_review.rule_hits(engine(url), scope, filters)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def detector_hits(url: str, scope: Scope, filters: Filters) -> list[read_review.DetectorHits]:
    return read_review.detector_hits(engine(url), scope, filters)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def review_queue(url: str, scope: Scope, filters: Filters) -> list[read_review.QueueItem]:
    return read_review.review_queue(engine(url), scope, filters)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def review_history(url: str, scope: Scope) -> list[read_review.LogRow]:
    return read_review.review_history(engine(url), scope, limit=100)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def find_debtors(url: str, scope: Scope, query: str, by: str, *, masked: bool) -> list[read_timeline.DebtorMatch]:
    """Debtors by id, case id or phone number (:func:`audit.read.timeline.find_debtors`)."""
    return read_timeline.find_debtors(engine(url), scope, query, by=by, masked=masked)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def timeline(url: str, scope: Scope, *, debtor_id: str | None = None,
             case_id: str | None = None) -> list[read_timeline.TimelineContact]:
    """Every contact to one debtor or on one case that ``scope`` may see
    (:func:`audit.read.timeline.debtor_timeline`)."""
    return read_timeline.debtor_timeline(engine(url), scope, debtor_id=debtor_id, case_id=case_id)


def pack_parameters():
    """The active rule pack's thresholds (quiet hours, attempts a day); the defaults when the pack
    cannot be loaded."""
    from audit.rules.model import Parameters

    try:
        return rule_pack().parameters
    except Exception:  # noqa: BLE001 - a broken pack is reported on the Rules page
        return Parameters()


def hours(clock: str) -> float:
    """``"22:00"`` as 22.0."""
    h, m = clock.split(":")
    return int(h) + int(m) / 60


def in_quiet_hours(moment, params) -> bool:
    """Whether a contact started inside the pack's quiet hours (22:00–08:00 by default)."""
    at, start, end = moment.hour + moment.minute / 60, hours(params.quiet_start), hours(params.quiet_end)
    return (start <= at or at < end) if start > end else (start <= at < end)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def team_breakdown(url: str, scope: Scope, filters: Filters) -> list[read_overview.GroupRow]:
    return read_overview.breakdown(engine(url), scope, filters, "team")


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def scorecards(url: str, scope: Scope, start: date, end: date) -> list:
    """Agent scorecards (:func:`audit.scorecards.agent_scorecards`) restricted to ``scope``."""
    from audit.scorecards import agent_scorecards

    cards = agent_scorecards(engine(url), start, end, team=scope.team)
    if scope.agent_id is not None:
        cards = [c for c in cards if c.agent_id == scope.agent_id]
    return cards


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def agent_trend(url: str, scope: Scope, agent_id: str, start: date, end: date) -> list:
    from audit.read.agents import agent_trend as trend

    if scope.agent_id is not None and agent_id != scope.agent_id:
        return []
    return trend(engine(url), agent_id, start, end, team=scope.team)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def worst_findings(url: str, scope: Scope, agent_id: str, start: date, end: date) -> list:
    from audit.read.agents import worst_findings as worst

    if scope.agent_id is not None and agent_id != scope.agent_id:
        return []
    return worst(engine(url), agent_id, start, end, team=scope.team)


# ----------------------------------------------------------------------------- downloads
# The download buttons call the same code as `audit scorecards` and `audit evidence export`, so a
# downloaded file and a CLI export are the same file. Not cached: they run when a button is
# clicked (deferred download), and a file must reflect the reviews made a second ago. Packs cut
# their clips with the decoder the server hands in (dashboards/wiring.py).

EXPORT_MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def scorecard_export(url: str, scope: Scope, start: date, end: date, fmt: str, *, team: str | None = None,
                     lang: str | None = None) -> bytes:
    """The scorecard file (csv/xlsx/pdf) for ``scope`` via :func:`audit.exports.build_report`, in
    ``lang`` (the user's language), with links to the dashboard when one is configured.

    A team lead always gets their own team, an agent only their own card; ``team`` narrows an
    unrestricted user's file to one team.
    """
    from audit.exports import build_report, report_bytes

    report = build_report(engine(url), start, end, team=scope.team or team, agent_id=scope.agent_id,
                          lang=lang, dashboard_url=dashboard_url())
    return report_bytes(report, fmt)


def dashboard_url() -> str | None:
    """The dashboard's public address for links in exports (``AUDIT_DASHBOARD_URL``)."""
    from audit.links import dashboard_url as configured

    return configured()


def evidence_pack(url: str, scope: Scope, call_id: str) -> bytes:
    """The evidence pack zip of one contact via :func:`audit.evidence.export_pack`.

    Raises:
        audit.evidence.EvidenceError: the contact is out of ``scope`` (same message as a
            missing one), or its recording is missing or changed.
    """
    import tempfile

    from audit.evidence import EvidenceError, export_pack

    if read_contacts.contact_detail(engine(url), scope, call_id) is None:
        raise EvidenceError(f"call_id {call_id!r} is not in the database or not visible to you")
    with tempfile.TemporaryDirectory(prefix="evidence-") as tmp:
        # A fixed name: a call_id such as "../../x" must not pick where the zip is written.
        path = Path(tmp) / "pack.zip"
        export_pack(engine(url), call_id, path, decoder=wiring.decoder(), dashboard_url=dashboard_url())
        return path.read_bytes()


def case_pack(url: str, scope: Scope, *, debtor_id: str | None = None, case_id: str | None = None,
              redact: bool = False) -> bytes:
    """The evidence pack of a whole case (or all of a debtor's contacts) that ``scope`` may see,
    via :func:`audit.evidence.export_case_pack`.

    Raises:
        audit.evidence.EvidenceError: no visible contact, or a recording is missing or changed.
    """
    import tempfile

    from audit.evidence import export_case_pack

    with tempfile.TemporaryDirectory(prefix="evidence-") as tmp:
        path = Path(tmp) / "pack.zip"
        export_case_pack(engine(url), path, debtor_id=debtor_id, case_id=case_id, scope=scope,
                         decoder=wiring.decoder(), redact=redact, dashboard_url=dashboard_url())
        return path.read_bytes()


# ----------------------------------------------------------------------------- writes


def apply_review(url: str, user: auth.User, finding_id: int, action: str, *, reason: str | None = None,
                 expected_status: str | None = None) -> review.ReviewResult:
    """Run a review action as ``user`` (role and scope enforced) and drop cached results."""
    result = review.apply_review(engine(url), finding_id, action, user=user.username, role=user.role,
                                 scope=user.scope, reason=reason, expected_status=expected_status)
    st.cache_data.clear()
    return result


def recording(url: str, scope: Scope, call_id: str) -> tuple[bytes, str] | str | None:
    """The audited recording's (bytes, file name) for the audio player; a string says why it
    cannot be played; None when there is no audited recording.

    Bytes, not a path: Streamlit serves a path it is given to anyone holding the media URL, so
    only the checked file of a contact in the signed-in user's scope is ever read
    (:func:`audit.read.contacts.contact_recording`).
    """
    from audit.paths import UnsafePath

    try:
        path = read_contacts.contact_recording(engine(url), scope, call_id)
    except (UnsafePath, FileNotFoundError) as exc:
        return str(exc)
    if path is None:
        return None
    return path.read_bytes(), path.name


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def dead_alerts(url: str, limit: int = 50) -> list[dict[str, Any]]:
    """Alerts ``audit watch`` gave up delivering, newest first (the page shows them to admins)."""
    from audit.alerts import recent_dead_letters
    from audit.storage import session

    with session(engine(url)) as s:
        return [{"when": d.created_at.strftime("%Y-%m-%d %H:%M"), "call": d.call_id,
                 "rule": d.payload.get("rule_id", ""), "severity": d.payload.get("severity", ""),
                 "sink": d.target, "attempts": d.attempts, "error": d.error}
                for d in recent_dead_letters(s, limit)]
