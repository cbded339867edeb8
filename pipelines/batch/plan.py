"""Planning a run: what to do with each manifest contact, and the stored log around them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine

from audit import models
from audit.paths import UnsafePath, file_sha256, resolve_inside
from audit.schema import Contact, ContactStatus
from audit.storage import session as open_session
from audit.store import contact_from_row
from pipelines.batch.worker import WorkItem

_IN_CHUNK = 500  # ids per IN (...) query: far below SQLite's bound-parameter limit


@dataclass
class Plan:
    """What a run will do with each manifest contact."""

    todo: list[WorkItem] = field(default_factory=list)
    no_recording: list[Contact] = field(default_factory=list)
    missing: list[tuple[Contact, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _stored(engine: Engine, call_ids: list[str]) -> dict[str, models.Contact]:
    rows: dict[str, models.Contact] = {}
    with open_session(engine) as session:
        for i in range(0, len(call_ids), _IN_CHUNK):
            chunk = call_ids[i:i + _IN_CHUNK]
            for row in session.exec(select(models.Contact).where(models.Contact.call_id.in_(chunk))).scalars():
                rows[row.call_id] = row
    return rows


def with_staff_names(engine: Engine, contacts: list[Contact]) -> list[Contact]:
    """``contacts`` with ``visit_staff_names`` filled: the name of each other collector that
    ``visit_staff`` lists (``A;B;C``; the row carries only the lead's name), as the log knows it —
    the stored agents (every contact audited before, the enrollment calls among them) and this
    manifest's own rows (newer, so they win). Ids nobody named are left out. The names go into the
    call's vocabulary (:func:`pipelines.vocabulary.call_vocabulary`)."""
    wanted = {i for c in contacts for i in c.visit_staff_ids if i != c.agent_id}
    if not wanted:
        return contacts
    names: dict[str, str] = {}
    ids = sorted(wanted)
    with open_session(engine) as session:
        for i in range(0, len(ids), _IN_CHUNK):
            rows = session.exec(select(models.Agent.agent_id, models.Agent.name).where(
                models.Agent.agent_id.in_(ids[i:i + _IN_CHUNK]))).all()
            names.update({agent_id: name for agent_id, name in rows if name})
    names.update({c.agent_id: c.agent_name for c in contacts if c.agent_id in wanted and c.agent_name})
    return [replace(c, visit_staff_names=tuple(names[i] for i in c.visit_staff_ids if i != c.agent_id and i in names))
            if c.visit_staff_ids else c for c in contacts]


def plan(engine: Engine, input_dir: Path, contacts: list[Contact], pack_version: str, force: bool) -> Plan:
    """Sort the manifest's contacts into: recordings to audit, contacts without a recording,
    contacts whose recording is missing, and call_ids already audited (skipped).

    Only recordings already audited with this rule pack are hashed here (to see whether the
    file changed); new ones are hashed by the worker while it reads them.
    """
    result = Plan()
    contacts = with_staff_names(engine, contacts)
    stored = _stored(engine, [c.call_id for c in contacts])
    for contact in contacts:
        if not contact.has_recording:
            result.no_recording.append(contact)
            continue
        try:
            path = resolve_inside(input_dir, contact.audio_file)
        except (UnsafePath, FileNotFoundError) as exc:
            result.missing.append((contact, str(exc)))
            continue
        row = stored.get(contact.call_id)
        sha = None
        if row is not None and row.status == ContactStatus.AUDITED.value and row.rule_pack_version == pack_version:
            sha = file_sha256(path)
            if not force and row.audio_sha256 == sha:
                result.skipped.append(contact.call_id)
                continue
        result.todo.append(WorkItem(contact, str(path), sha))
    return result


def log_contacts(engine: Engine, contacts: Iterable[Contact]) -> list[Contact]:
    """All stored contacts of the debtors in ``contacts`` around their days (rules across
    contacts see the whole log, not just this batch)."""
    contacts = list(contacts)
    debtors = sorted({c.debtor_id for c in contacts if c.debtor_id})
    if not debtors:
        return []
    days = [c.started_at for c in contacts]
    lo, hi = min(days) - timedelta(days=1), max(days) + timedelta(days=1)
    found: list[Contact] = []
    with open_session(engine) as session:
        for i in range(0, len(debtors), _IN_CHUNK):
            rows = session.exec(select(models.Contact).where(
                models.Contact.debtor_id.in_(debtors[i:i + _IN_CHUNK]), models.Contact.started_at >= lo,
                models.Contact.started_at <= hi)).scalars().all()
            found += [contact_from_row(r) for r in rows]
    return found
