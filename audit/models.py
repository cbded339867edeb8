"""Storage models (SQLModel tables).

Tables: ``agent``, ``case``, ``contact`` (calls, visits and dial attempts without recordings),
``segment`` (diarized transcript), ``finding``, ``review_log`` (who changed a finding's review
and how), ``audit_run`` (one row per batch run), ``alert_outbox`` (one row per finding and alert
sink: pending, sent or dead), ``alert_dead_letter`` (alerts that could not be delivered) and
``auth_log`` (dashboard sign-ins and sign-outs) and ``voiceprint`` (collectors' voice profiles,
biometric data: see :mod:`audit.voiceprints`).
Schema changes go through Alembic
(``audit/migrations``); never edit a released migration.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Table, Text, UniqueConstraint, event, inspect, text
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def table_of(model: type[SQLModel]) -> Table:
    """A table model's Core table (its ``__table__``, which SQLModel's type hints do not declare)."""
    table = inspect(model).local_table
    assert isinstance(table, Table)
    return table


# Contact columns the dashboard overview aggregates, carried in ix_contact_started_status on
# PostgreSQL so those queries need not read the table (migration 0003).
CONTACT_OVERVIEW_INCLUDE = ("passed", "score", "finding_count", "kind", "team", "agency", "creditor", "product",
                            "agent_id", "call_id")


class ReviewStatus(str, enum.Enum):
    """A finding's review state, set by supervisors in the dashboard."""

    OPEN = "open"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"
    APPEALED = "appealed"
    # the learned second opinion, not sure enough to report: waits for a reviewer, never scored
    # until confirmed (audit.scoring.UNCOUNTED)
    SUSPECTED = "suspected"


class Agent(SQLModel, table=True):
    """A collector."""

    agent_id: str = Field(primary_key=True, max_length=64)
    name: str = Field(default="", max_length=128)
    team: str = Field(default="", max_length=128, index=True)
    agency: str = Field(default="", max_length=256, index=True)


class Case(SQLModel, table=True):
    """A debt (account) being collected."""

    case_id: str = Field(primary_key=True, max_length=64)
    debtor_id: str = Field(default="", max_length=64, index=True)
    creditor: str = Field(default="", max_length=256)
    product: str = Field(default="", max_length=64)


class Contact(SQLModel, table=True):
    """One call, home visit or unanswered dial attempt, and its audit outcome.

    Team, agency, creditor and product are copied from the log row: they are what held at the
    time of the contact (agents change teams), and they keep the dashboard's filters join-free.
    """

    call_id: str = Field(primary_key=True, max_length=128)
    kind: str = Field(default="call", max_length=16, index=True)
    started_at: datetime = Field(index=True)
    talk_seconds: float = 0.0
    outcome: str = Field(default="answered", max_length=32)
    agent_id: str = Field(foreign_key="agent.agent_id", index=True, max_length=64)
    case_id: str | None = Field(default=None, foreign_key="case.case_id", max_length=64)
    debtor_id: str = Field(default="", max_length=64, index=True)
    # the number dialled, digits only (the manifest's optional `phone` column; migration 0006)
    phone: str | None = Field(default=None, max_length=32, index=True)
    # the debtor's full name as the lender's file holds it (the manifest's optional `debtor_name`
    # column; personal data, masked like the phone: audit.masking.mask_name; migration 0010)
    debtor_name: str | None = Field(default=None, max_length=64)
    team: str = Field(default="", max_length=128, index=True)
    agency: str = Field(default="", max_length=256)
    creditor: str = Field(default="", max_length=256)
    product: str = Field(default="", max_length=64)
    contact_role: str = Field(default="debtor", max_length=32)
    days_past_due: int | None = None
    visit_staff: int | None = None
    channel_layout: str | None = Field(default=None, max_length=32)
    audio_path: str | None = Field(default=None, sa_column=Column(Text))
    audio_sha256: str | None = Field(default=None, max_length=64, index=True)
    duration_s: float | None = None
    status: str = Field(default="pending", max_length=16, index=True)
    failure_reason: str | None = Field(default=None, sa_column=Column(Text))
    score: float | None = None
    passed: bool | None = None
    finding_count: int = 0
    # the severity weights the score was computed with (the auditing pack's, audit.scoring), so a
    # review re-scores with them too; NULL for contacts stored before migration 0008 (defaults)
    score_weights: dict[str, float] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    rule_pack_version: str | None = Field(default=None, max_length=64)
    run_id: int | None = Field(default=None, foreign_key="audit_run.id")
    metrics: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    meta: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    audited_at: datetime | None = None

    # The dashboard overview's aggregates run as index-only scans of this index on PostgreSQL
    # (the INCLUDE payload; migration 0003).
    # ix_contact_unpassed: the contacts that can hold a counted critical finding (a few percent),
    # which the dashboard's critical counts per team/agency/creditor join to their findings.
    __table_args__ = (
        Index(
            "ix_contact_started_status",
            "started_at",
            "status",
            postgresql_include=list(CONTACT_OVERVIEW_INCLUDE),
        ),
        Index(
            "ix_contact_unpassed",
            "started_at",
            postgresql_include=list(CONTACT_OVERVIEW_INCLUDE),
            postgresql_where=text("passed IS NOT TRUE"),
            sqlite_where=text("passed IS NOT 1"),
        ),
        # The dashboard's filter options skip through it, one probe per distinct combination.
        Index("ix_contact_filter_combo", "team", "agency", "creditor", "product", "kind", "agent_id"),
        # A case's timeline (migration 0006).
        Index("ix_contact_case_started", "case_id", "started_at"),
    )


class Segment(SQLModel, table=True):
    """One diarized, role-labelled stretch of a contact's transcript."""

    id: int | None = Field(default=None, primary_key=True)
    call_id: str = Field(foreign_key="contact.call_id", index=True, max_length=128)
    idx: int = 0
    speaker: str = Field(max_length=64)
    role: str = Field(max_length=32)
    start: float
    end: float
    text: str = Field(sa_column=Column(Text, nullable=False))
    # the text's fuzzy sound key (audit.text.fuzzy_of), which transcript search matches so an ASR
    # homophone is still found; filled on insert (audit.search), migration 0006
    sound: str | None = Field(default=None, sa_column=Column(Text))
    confidence: float | None = None
    channel: int | None = None
    # how it was said (audit.schema.Acoustics as a dict): level and pitch against the same party,
    # pace, talk-over, silence before; NULL for rows stored before migration 0007
    acoustics: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    # the collector whose voice this is (matched against the voiceprints, pipelines.voices):
    # an agent id, "unregistered" (a collector voice matching no profile), or NULL (not a
    # collector, not identified, or stored before migration 0009)
    agent_id: str | None = Field(default=None, max_length=64)

    __table_args__ = (UniqueConstraint("call_id", "idx", name="uq_segment_call_idx"),)


@event.listens_for(Segment, "before_insert")
def _fill_sound_key(_mapper, _connection, segment: Segment) -> None:
    """Every transcript line gets its sound key as it is stored (transcript search, audit.search)."""
    if segment.sound is None:
        from audit.search import sound_key  # pypinyin's tables load on first use, not at import

        segment.sound = sound_key(segment.text)


class Finding(SQLModel, table=True):
    """A rule violation with its evidence and its review state."""

    id: int | None = Field(default=None, primary_key=True)
    call_id: str = Field(foreign_key="contact.call_id", index=True, max_length=128)
    rule_id: str = Field(max_length=64, index=True)
    category: str = Field(max_length=32, index=True)
    severity: str = Field(max_length=16)
    title: str = Field(default="", sa_column=Column(Text))
    citation: str = Field(default="", sa_column=Column(Text))
    speaker: str | None = Field(default=None, max_length=64)
    role: str | None = Field(default=None, max_length=32)
    start: float | None = None
    end: float | None = None
    evidence: str = Field(default="", sa_column=Column(Text))
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    # what raised it (lexicon, regex, frame, similar, model, required, metadata, log …) and how
    # sure it is (1.0 for a deterministic rule); rows older than migration 0004 read "" and 1.0
    detector: str = Field(default="", max_length=16, sa_column_kwargs={"server_default": ""})
    confidence: float = Field(default=1.0, sa_column_kwargs={"server_default": "1"})
    # the collector who said it, identified by voice (migration 0009); NULL: the contact's agent
    # (scorecards attribute a finding to coalesce(finding.agent_id, contact.agent_id))
    agent_id: str | None = Field(default=None, max_length=64, index=True)
    review_status: str = Field(default=ReviewStatus.OPEN.value, max_length=16, index=True)
    review_reason: str | None = Field(default=None, sa_column=Column(Text))
    reviewed_by: str | None = Field(default=None, max_length=64)
    reviewed_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)

    # Covers the dashboard's finding aggregates; critical findings are one range of it (migration 0003).
    __table_args__ = (Index("ix_finding_severity_review", "severity", "review_status", "category", "call_id"),)


class ReviewLog(SQLModel, table=True):
    """Audit trail of review actions: who did what to which finding, before and after."""

    __tablename__ = "review_log"

    id: int | None = Field(default=None, primary_key=True)
    finding_id: int = Field(foreign_key="finding.id", index=True)
    call_id: str = Field(max_length=128, index=True)
    user: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow)
    action: str = Field(max_length=16)  # confirm | dismiss | appeal | reopen
    before: str = Field(max_length=16)
    after: str = Field(max_length=16)
    reason: str | None = Field(default=None, sa_column=Column(Text))


class AuditRun(SQLModel, table=True):
    """One batch run: what it was asked to do and how it ended."""

    __tablename__ = "audit_run"

    id: int | None = Field(default=None, primary_key=True)
    input_dir: str = Field(sa_column=Column(Text, nullable=False))
    started_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = None
    status: str = Field(default="running", max_length=16)  # running | ok | failed | interrupted
    rule_pack_version: str = Field(default="", max_length=64)
    total: int = 0
    audited: int = 0
    skipped: int = 0
    failed: int = 0
    audio_seconds: float = 0.0
    failures: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    options: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))


class AlertStatus(str, enum.Enum):
    """Where an alert stands in the outbox."""

    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"  # every retry failed: see alert_dead_letter


class AlertOutbox(SQLModel, table=True):
    """One alert to send: a finding for one sink (webhook, group robot, e-mail recipients).

    Written in the transaction that stores the finding, so an alert exists exactly when its
    finding does, and (finding_id, sink) is unique, so a finding alerts a sink once, across
    restarts and across watchers. Senders claim rows with ``claimed_by``/``claimed_until`` (a
    lease: a sender killed mid-send leaves a claim that expires).
    """

    __tablename__ = "alert_outbox"

    id: int | None = Field(default=None, primary_key=True)
    finding_id: int
    sink: str = Field(max_length=64)
    call_id: str = Field(max_length=128, index=True)
    status: str = Field(default=AlertStatus.PENDING.value, max_length=16)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_until: datetime | None = None
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    summarised: bool = False  # sent within a burst summary rather than on its own
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None

    __table_args__ = (UniqueConstraint("finding_id", "sink", name="uq_alert_outbox_finding_sink"),
                      # the sender's question: which alerts of my sinks are due?
                      Index("ix_alert_outbox_due", "status", "sink", "next_attempt_at"))


class AlertDeadLetter(SQLModel, table=True):
    """An alert that could not be delivered after every retry, with the last error."""

    __tablename__ = "alert_dead_letter"

    id: int | None = Field(default=None, primary_key=True)
    outbox_id: int = Field(foreign_key="alert_outbox.id", index=True)
    finding_id: int
    call_id: str = Field(max_length=128, index=True)
    sink: str = Field(max_length=64)
    target: str = Field(default="", sa_column=Column(Text))  # where it was going, secrets removed
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    error: str = Field(default="", sa_column=Column(Text))
    attempts: int = 0
    created_at: datetime = Field(default_factory=utcnow, index=True)


class AuthLog(SQLModel, table=True):
    """Dashboard sign-in log: sign-ins, failed and refused attempts, lockouts, sign-outs.

    A ``sign_out`` row ends its ``session_id`` everywhere (:mod:`audit.sessions`).
    """

    __tablename__ = "auth_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    event: str = Field(max_length=16)  # sign_in | failed | refused | locked | sign_out | expired
    username: str = Field(max_length=64, index=True)
    address: str | None = Field(default=None, max_length=64)
    session_id: str | None = Field(default=None, max_length=32, index=True)
    detail: str = Field(default="", sa_column=Column(Text))


class Voiceprint(SQLModel, table=True):
    """A collector's voice profile: biometric, sensitive personal information (README, Voiceprints).

    ``embeddings`` are the kept speaker embeddings (lists of floats, one per enrolled stretch of
    at least ``audit.voiceprints.MIN_CHUNK_S`` of speech), ``sources`` where each came from (call
    id or file name, seconds, kept or rejected as an outlier). No audio is stored. Removal
    deletes the row (``audit voices remove``).
    """

    agent_id: str = Field(primary_key=True, max_length=64)
    embeddings: list[list[float]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    speech_s: float = 0.0
    n_calls: int = 0
    sources: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    built_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
