"""What a pack is built from: one contact's rows, and its recording opened only where it may lie."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from audit import models
from audit.evidence.pack import EvidenceError, sha256_bytes
from audit.paths import UnsafePath, is_inside, stored_recording
from audit.storage import session as open_session


@dataclass
class ContactRecord:
    """Everything the database holds about one contact that goes into its pack."""

    contact: models.Contact
    agent: models.Agent | None
    case: models.Case | None
    run: models.AuditRun | None
    segments: list[models.Segment]
    findings: list[models.Finding]  # timed ones first, in time order; then the untimed ones
    reviews: list[models.ReviewLog]


def load_record(s: Session, call_id: str) -> ContactRecord:
    """The rows of ``call_id``, in the order the pack lists them.

    Raises:
        EvidenceError: no such contact.
    """
    contact = s.get(models.Contact, call_id)
    if contact is None:
        raise EvidenceError(
            f"call_id {call_id!r} is not in the database; check the id (audit findings lists them) and --db"
        )
    agent = s.get(models.Agent, contact.agent_id)
    case = s.get(models.Case, contact.case_id) if contact.case_id else None
    run = s.get(models.AuditRun, contact.run_id) if contact.run_id else None
    segments = list(
        s.exec(
            select(models.Segment)
            .where(col(models.Segment.call_id) == call_id)
            .order_by(col(models.Segment.idx), col(models.Segment.start))
        ).all()
    )
    findings = list(
        s.exec(
            select(models.Finding)
            .where(col(models.Finding.call_id) == call_id)
            .order_by(
                sa.case((col(models.Finding.start).is_(None), 1), else_=0), col(models.Finding.start),
                col(models.Finding.id)
            )
        ).all()
    )
    reviews = list(
        s.exec(
            select(models.ReviewLog)
            .where(col(models.ReviewLog.call_id) == call_id)
            .order_by(col(models.ReviewLog.at), col(models.ReviewLog.id))
        ).all()
    )
    return ContactRecord(contact, agent, case, run, segments, findings, reviews)


def open_recording(contact: models.Contact, run: models.AuditRun | None,
                   audio_root: str | Path | None) -> tuple[Path, bytes]:
    """The audited recording of ``contact`` and its bytes, opened only through :func:`stored_recording`.

    ``audio_path`` is a database value, and a database row can be edited or restored from
    elsewhere: packing whatever file it names would hand ``/etc/passwd`` to whoever asks for a
    pack. So the recording must lie inside the folder its audit run read (``AuditRun.input_dir``)
    or inside ``audio_root`` (an operator's ``--audio-root`` for a moved input folder), and its bytes
    must be the audited ones. A relative ``audio_path`` is taken under ``audio_root`` when given,
    else under the run's input folder.

    Raises:
        EvidenceError: no folder to look in, the path leaves its folder, the file is gone, or
            its bytes are not the audited ones; the message names the file and the fix.
    """
    call_id = contact.call_id
    assert contact.audio_path is not None  # the caller opens a contact that has a recording
    input_dir = run.input_dir if run is not None and run.input_dir else None
    folders = [Path(f).resolve() for f in (audio_root, input_dir) if f is not None]
    if not folders:
        raise EvidenceError(
            f"{call_id}: no audit run records the input folder of recording {contact.audio_path!r}; "
            "pass --audio-root with the batch's input directory"
        )
    try:
        base = folders[0]
        if Path(contact.audio_path).is_absolute():
            # An absolute stored path is judged against the folder that holds it, if either does.
            real = Path(contact.audio_path).resolve()
            base = next((f for f in folders if is_inside(real, f)), folders[-1])
        path = stored_recording(contact.audio_path, str(base), contact.audio_sha256)
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise EvidenceError(
            f"{call_id}: {exc} (stored audio_path {contact.audio_path!r}); "
            "pass --audio-root with the batch's input directory"
        ) from None
    # ValueError: a NUL byte in the stored path; OSError: unreadable, a name too long, ...
    except (UnsafePath, ValueError, OSError) as exc:
        raise EvidenceError(f"{call_id}: refusing to pack the recording: {exc}") from None
    # Hash what is packed, not only what was checked: the file could be replaced in between.
    if sha256_bytes(raw) != contact.audio_sha256:
        raise EvidenceError(f"{call_id}: recording {path} changed while it was being packed; export again")
    return path, raw


class _Borrowed:
    """Use a caller's session without closing it."""

    def __init__(self, s: Session) -> None:
        self.s = s

    def __enter__(self) -> Session:
        return self.s

    def __exit__(self, *exc) -> None:
        return None


def session_of(db: Engine | Session) -> AbstractContextManager[Session]:
    """A session on ``db``: a new one for an engine (closed after), the caller's own otherwise."""
    return open_session(db) if isinstance(db, Engine) else _Borrowed(db)
