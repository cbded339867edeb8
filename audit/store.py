"""Writing audit results: one contact is one unit of work (one transaction).

The batch job calls these; the dashboard and exports only read. Re-auditing a contact replaces
its segments and findings (reviews of findings that come back unchanged are kept), so re-runs
never duplicate anything.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Table, delete, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, col, select

from audit import models
from audit.schema import Contact, ContactStatus, Finding, Transcript
from audit.scoring import weights_to_store

_UNREVIEWED = (models.ReviewStatus.OPEN.value, models.ReviewStatus.SUSPECTED.value)


log = logging.getLogger(__name__)

# the dialects' own inserts: both have on_conflict_do_nothing
_INSERT: dict[str, Callable[[Table], postgresql.Insert | sqlite.Insert]] = {"postgresql": postgresql.insert,
                                                                            "sqlite": sqlite.insert}
# A run on another machine whose record has not moved for this long is taken for dead: its
# process cannot be asked, and no contact takes hours.
STALE_RUN_AFTER = timedelta(hours=6)


def _insert_missing(session: Session, row: SQLModel):
    """Insert ``row`` unless a row with its primary key exists, then return the stored row.

    "Look it up, add it if missing" breaks when two batches store contacts of the same new
    case or agent at once: both see nothing, both insert, and the second dies on the duplicate
    key (its run left behind as ``running``). ``INSERT ... ON CONFLICT DO NOTHING`` lets the
    database decide: on PostgreSQL the second insert waits for the first transaction and then
    does nothing; SQLite writers take turns anyway. Either way the row is then read back.
    """
    model = type(row)
    table = models.table_of(model)
    values = {column.name: getattr(row, column.name) for column in table.columns
              if getattr(row, column.name) is not None}
    keys = [column.name for column in table.primary_key.columns]
    dialect = session.get_bind().dialect.name
    session.exec(_INSERT[dialect](table).values(**values).on_conflict_do_nothing(index_elements=keys))
    stored = session.get(model, tuple(values[k] for k in keys) if len(keys) > 1 else values[keys[0]])
    assert stored is not None, f"{table.name} {values} vanished right after its insert"
    return stored


def _upsert_refs(session: Session, contact: Contact) -> None:
    agent = _insert_missing(session, models.Agent(agent_id=contact.agent_id, name=contact.agent_name,
                                                  team=contact.team, agency=contact.agency))
    # Newer log rows win, but an empty cell never blanks what an earlier row said.
    agent.name = contact.agent_name or agent.name
    agent.team = contact.team or agent.team
    agent.agency = contact.agency or agent.agency
    if contact.case_id:
        _insert_missing(session, models.Case(case_id=contact.case_id, debtor_id=contact.debtor_id,
                                             creditor=contact.creditor, product=contact.product))
    session.flush()


def upsert_contact(session: Session, contact: Contact, *, audio_path: str | None = None,
                   run_id: int | None = None) -> models.Contact:
    """Create or update the contact row from its log entry (audit results untouched)."""
    _upsert_refs(session, contact)
    row = session.get(models.Contact, contact.call_id)
    offset = contact.started_at.utcoffset()
    assert offset is not None, f"{contact.call_id}: started_at without a UTC offset"  # the manifest requires one
    fields: dict[str, Any] = dict(
        kind=contact.kind, started_at=contact.started_at, talk_seconds=contact.talk_seconds,
        outcome=contact.outcome, agent_id=contact.agent_id, case_id=contact.case_id or None,
        debtor_id=contact.debtor_id, team=contact.team, agency=contact.agency, creditor=contact.creditor,
        product=contact.product, contact_role=contact.contact_role, days_past_due=contact.days_past_due,
        visit_staff=contact.visit_staff, channel_layout=contact.channel_layout, phone=contact.phone or None,
        debtor_name=contact.debtor_name or None,
        meta={"agent_name": contact.agent_name, "audio_file": contact.audio_file, "line": contact.line,
              **({"visit_staff_ids": list(contact.visit_staff_ids)} if contact.visit_staff_ids else {}),
              # databases keep instants, not offsets: the debtor's local time needs the offset
              "utc_offset_s": int(offset.total_seconds())},
    )
    if audio_path is not None:
        fields["audio_path"] = audio_path
    if row is None:  # (another batch may be inserting the same contact right now)
        row = _insert_missing(session, models.Contact(call_id=contact.call_id, run_id=run_id, **fields))
    for key, value in fields.items():
        setattr(row, key, value)
    session.flush()
    return row


def _replace_findings(session: Session, call_id: str, findings: Iterable[Finding],
                      rule_ids: set[str] | None = None) -> list[models.Finding]:
    """Replace a contact's findings (all, or only those of ``rule_ids``), keeping reviews of
    findings that are found again at the same place.

    A new finding starts ``open``, or ``suspected`` when the learned model only suspects it; an
    unreviewed one found again takes the status its new confidence gives it."""
    query = select(models.Finding).where(col(models.Finding.call_id) == call_id)
    if rule_ids is not None:
        query = query.where(col(models.Finding.rule_id).in_(rule_ids))
    old = {(f.rule_id, f.start, f.end): f for f in session.exec(query)}
    rows = []
    for finding in findings:
        previous = old.pop((finding.rule_id, finding.start, finding.end), None)
        row = previous or models.Finding(call_id=call_id, rule_id=finding.rule_id, category=finding.category,
                                         severity=finding.severity)
        row.category, row.severity = finding.category, finding.severity
        row.title, row.citation = finding.title, finding.citation
        row.speaker, row.role, row.start, row.end = finding.speaker, finding.role, finding.start, finding.end
        row.evidence, row.details = finding.evidence, finding.details
        row.detector, row.confidence = finding.detector, finding.confidence
        row.agent_id = finding.agent_id
        if row.review_status in _UNREVIEWED or previous is None:
            row.review_status = (models.ReviewStatus.SUSPECTED if finding.suspected else models.ReviewStatus.OPEN).value
        session.add(row)
        rows.append(row)
    for stale in old.values():
        session.exec(delete(models.ReviewLog).where(col(models.ReviewLog.finding_id) == stale.id))
        session.delete(stale)
    session.flush()
    return rows


def _rescore(session: Session, row: models.Contact, weights) -> None:
    from audit.review import rescore_contact  # score, passed and finding_count in one place

    rescore_contact(session, row.call_id, weights=weights)


def save_audit(session: Session, contact: Contact, transcript: Transcript | None, findings: list[Finding],
               *, weights=None, rule_pack_version: str, audio_path: str | None, audio_sha256: str | None,
               run_id: int | None) -> models.Contact:
    """Store one audited contact: log entry, transcript, findings, score. Caller commits.

    ``weights`` are the pack's ``parameters.severity_weights`` (default: the default weights);
    they are recorded on the contact, so reviews and scorecards score it with them too.
    """
    row = upsert_contact(session, contact, audio_path=audio_path, run_id=run_id)
    session.exec(delete(models.Segment).where(col(models.Segment.call_id) == contact.call_id))
    if transcript is not None:
        for idx, seg in enumerate(transcript.segments):
            session.add(models.Segment(call_id=contact.call_id, idx=idx, speaker=seg.speaker, role=seg.role,
                                       start=seg.start, end=seg.end, text=seg.text,
                                       confidence=seg.confidence, channel=seg.channel,
                                       acoustics=seg.acoustics.to_dict() if seg.acoustics else None,
                                       agent_id=seg.agent_id))
        row.duration_s = transcript.duration_s
        row.metrics = transcript.metrics
    _replace_findings(session, contact.call_id, findings)
    row.status = (ContactStatus.AUDITED if transcript is not None else ContactStatus.NO_RECORDING).value
    row.failure_reason = None
    row.audio_sha256 = audio_sha256
    row.rule_pack_version = rule_pack_version
    row.run_id = run_id
    row.audited_at = datetime.now(UTC)
    _rescore(session, row, weights_to_store(weights))
    return row


def save_failure(session: Session, contact: Contact, reason: str, *, audio_path: str | None,
                 run_id: int | None) -> models.Contact:
    """Record a contact whose recording could not be audited, with the reason."""
    row = upsert_contact(session, contact, audio_path=audio_path, run_id=run_id)
    row.status = ContactStatus.FAILED.value
    row.failure_reason = reason
    row.run_id = run_id
    return row


def replace_log_findings(session: Session, findings_by_call: dict[str, list[Finding]], rule_ids: set[str],
                         *, weights=None) -> None:
    """Store the findings of rules evaluated across contacts (e.g. attempts per day).

    ``weights``: the pack's severity weights, recorded on each contact re-scored (as by
    :func:`save_audit`); ``None`` keeps the weights each contact was audited with.
    """
    for call_id, findings in findings_by_call.items():
        row = session.get(models.Contact, call_id)
        if row is None:
            continue
        _replace_findings(session, call_id, findings, rule_ids)
        _rescore(session, row, weights)


def contact_from_row(row: models.Contact) -> Contact:
    """Rebuild the log entry of a stored contact (for rules across contacts)."""
    meta = row.meta or {}
    started = row.started_at
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    started = started.astimezone(timezone(timedelta(seconds=meta.get("utc_offset_s", 0))))
    return Contact(call_id=row.call_id, kind=row.kind, started_at=started, talk_seconds=row.talk_seconds,
                   outcome=row.outcome, agent_id=row.agent_id, agent_name=meta.get("agent_name", ""),
                   team=row.team, agency=row.agency, creditor=row.creditor, product=row.product,
                   case_id=row.case_id or "", debtor_id=row.debtor_id, phone=row.phone or "",
                   contact_role=row.contact_role,
                   days_past_due=row.days_past_due, visit_staff=row.visit_staff,
                   channel_layout=row.channel_layout, audio_file=meta.get("audio_file"),
                   debtor_name=row.debtor_name or "", line=meta.get("line", 0),
                   visit_staff_ids=tuple(meta.get("visit_staff_ids") or ()))


# ----------------------------------------------------------------------------- run records


def run_owner() -> dict[str, Any]:
    """What identifies the process running a batch, for its run record's ``options``."""
    return {"pid": os.getpid(), "host": socket.gethostname()}


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite drops the offset


def _process_gone(pid: int, started_at: datetime) -> bool:
    """Whether no process ``pid`` of this machine can be the one that started at ``started_at``."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # alive, another user's
    # Alive - but a pid is reused once its process is gone: a process younger than the run is
    # not the run's. (Linux only; elsewhere a live pid counts as the run.)
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat_file:
            ticks = int(stat_file.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/stat", encoding="ascii") as stat_file:
            boot = next(int(line.split()[1]) for line in stat_file if line.startswith("btime "))
    except (OSError, ValueError, IndexError, StopIteration):
        return False
    process_start = datetime.fromtimestamp(boot + ticks / os.sysconf("SC_CLK_TCK"), UTC)
    return process_start > _aware(started_at) + timedelta(seconds=5)  # clock granularity


def mark_stale_runs(session: Session, *, now: datetime | None = None, host: str | None = None,
                    stale_after: timedelta = STALE_RUN_AFTER) -> list[int]:
    """Mark ``running`` run records whose process is gone as ``interrupted``, with the reason.

    A batch killed by SIGKILL, a power cut or the OOM killer cannot write its own ending, so
    its record would say ``running`` forever (and the dashboard and the next operator would
    believe it). A run of this machine is over when its pid is no longer its process; a run of
    another machine (or an old record without a host) when its record has not moved for
    ``stale_after`` - the run's start, or the last contact it stored. Commits when it marks any.

    Args:
        now: The current time (tests).
        host: This machine's name (default :func:`socket.gethostname`).

    Returns:
        The ids of the runs marked.
    """
    now = now or datetime.now(UTC)
    host = host or socket.gethostname()
    marked = []
    running = session.exec(select(models.AuditRun).where(col(models.AuditRun.status) == "running")).all()
    for run in running:
        options = dict(run.options or {})
        pid, run_host = options.get("pid"), options.get("host")
        if run_host == host and isinstance(pid, int):
            if not _process_gone(pid, run.started_at):
                continue
            reason = f"process {pid} on {host} ended without finishing the run (killed?)"
        else:
            last_contact = session.exec(select(func.max(col(models.Contact.audited_at)))
                                        .where(col(models.Contact.run_id) == run.id)).first()
            last = _aware(run.started_at)
            if last_contact is not None:
                last = max(last, _aware(last_contact))
            if now - last < stale_after:
                continue
            where = f"process {pid} on {run_host}" if run_host else f"process {pid} (host not recorded)"
            reason = (f"{where}: no progress since {last:%Y-%m-%d %H:%M} UTC, "
                      f"{(now - last) / timedelta(hours=1):.0f} h ago; taken for dead")
        run.status = "interrupted"
        run.ended_at = now
        run.options = {**options, "reason": reason}  # a new dict: JSON columns do not track changes in place
        log.warning("audit run %s marked interrupted: %s", run.id, reason)
        assert run.id is not None  # a stored row
        marked.append(run.id)
    if marked:
        session.commit()
    return marked
