"""The run: plan, audit through an executor, store each contact in its own transaction, then
the rules across contacts; the ``audit_run`` record follows every step."""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from audit import models
from audit.manifest import read_manifest
from audit.rules.detectors import LOG_TYPES
from audit.rules.pack import RulePack
from audit.schema import ContactStatus, Finding
from audit.storage import session as open_session
from audit.store import replace_log_findings, save_audit, save_failure
from pipelines.batch.executors import Executor, LocalExecutor
from pipelines.batch.plan import log_contacts, plan
from pipelines.batch.worker import Worker, WorkResult, small_machine
from pipelines.process import PipelineOptions

# One logger for the package: its log lines keep the name they had before it was split.
log = logging.getLogger(__package__)


@dataclass
class Failure:
    """Something that could not be audited: a contact, or a manifest line that is no contact."""

    reason: str
    call_id: str | None = None
    line: int | None = None
    manifest: bool = False  # a rejected manifest row (no contact stored), not a failed contact

    def __str__(self) -> str:
        if self.manifest:
            who = f" ({self.call_id})" if self.call_id else ""
            return f"manifest line {self.line}{who}: {self.reason}"
        return f"{self.call_id}: {self.reason}"

    def as_dict(self) -> dict[str, Any]:
        return {"call_id": self.call_id, "line": self.line, "reason": self.reason,
                "kind": "manifest_row" if self.manifest else "contact"}


@dataclass
class BatchSummary:
    """Counts of one run; ``ok`` only when every row was audited (or had no recording)."""

    run_id: int
    total: int = 0
    audited: int = 0
    skipped: int = 0
    no_recording: int = 0
    failures: list[Failure] = field(default_factory=list)
    audio_seconds: float = 0.0
    elapsed_s: float = 0.0
    findings: int = 0
    failed_contacts: int = 0
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        return not self.failures and not self.interrupted


class _Terminated(KeyboardInterrupt):
    """SIGTERM (systemd stop, ``kill``) turned into an orderly interruption."""


def _raise_terminated(signum, _frame) -> None:
    raise _Terminated(f"signal {signum}")


def _record_progress(session, run_id: int, summary: BatchSummary) -> None:
    # Written in the contact's own transaction: after a SIGKILL the run record still tells
    # how far the run got.
    run = session.get(models.AuditRun, run_id)
    run.audited, run.skipped, run.failed = summary.audited, summary.skipped, len(summary.failures)
    run.audio_seconds = round(summary.audio_seconds, 2)
    run.failures = [f.as_dict() for f in summary.failures]


def _phases(engine: Engine, options: PipelineOptions, pack_path: str | None, low_memory: bool, pack: RulePack,
            todo: list, voices: bool):
    """(worker, items) to run in order. With voices, stereo calls go first (they enroll their
    collector's voiceprint), then the rest against the voiceprints stored by then."""
    from dataclasses import replace

    if not voices:
        yield Worker(options, pack_path, low_memory=low_memory, pack=pack), todo
        return
    from audit.voiceprints import load_profiles

    def stereo(item) -> bool:
        return (item.contact.channel_layout or "mono").startswith("stereo")

    first = [i for i in todo if stereo(i)]
    if first:
        yield Worker(replace(options, voiceprints={}), pack_path, low_memory=low_memory, pack=pack), first
    with open_session(engine) as session:
        profiles = load_profiles(session)
    rest = [i for i in todo if not stereo(i)]
    if rest:
        yield Worker(replace(options, voiceprints=profiles), pack_path, low_memory=low_memory, pack=pack), rest


def run_batch(engine: Engine, input_dir: str | Path, *, options: PipelineOptions | None = None,
              pack_path: str | None = None, force: bool = False, executor: Executor | None = None,
              low_memory: bool | None = None,
              progress: Callable[[WorkResult, BatchSummary], None] | None = None,
              on_plan: Callable[[int, float], None] | None = None,
              manifest: str | Path | None = None, pack: RulePack | None = None,
              before_commit: Callable[[Session, list[str]], None] | None = None,
              voices: bool = False) -> BatchSummary:
    """Audit every row of ``INPUT_DIR/manifest.csv`` into the database behind ``engine``.

    Args:
        engine: the database (schema already at head, see :func:`audit.storage.init_db`).
        input_dir: folder with ``manifest.csv``; audio paths are relative to it.
        options: engine choices (default :class:`PipelineOptions`).
        pack_path: rule pack YAML (default: the built-in pack).
        force: re-audit recordings already audited with the same content and rule pack.
        executor: where the work runs (default: one local worker).
        low_memory: free each model after its stage; ``None`` decides from the machine's RAM.
        progress: called after each stored result (drives the progress bar).
        on_plan: called once with the number of recordings to audit (and 0.0 seconds: the
            audio length is known only once decoded).
        manifest: another manifest than ``INPUT_DIR/manifest.csv`` (``audit watch``: a fragment
            dropped into the inbox); its audio paths are still relative to ``input_dir``.
        pack: the rule pack of ``pack_path``, already loaded (a watcher loads it once).
        before_commit: called with the session and the call_ids whose findings were just
            stored, in their transaction, before it commits (``audit watch`` writes the alert
            outbox there, so an alert exists exactly when its finding does).
        voices: collector voiceprints (pipelines.voices): stereo calls are audited first and
            enroll their collector channel into the agent's voiceprint; mono calls and visits
            are then identified against the stored voiceprints.

    Returns:
        The run's counts and failures; the same is stored as an ``audit_run`` row.

    Raises:
        ManifestError: the manifest itself is unreadable (nothing can be audited).
    """
    from audit.rules import load_pack
    from audit.store import mark_stale_runs, run_owner

    input_dir = Path(input_dir)
    options = options or PipelineOptions()
    executor = executor or LocalExecutor()
    workers = getattr(executor, "workers", 1)
    if low_memory is None:
        low_memory = small_machine(workers)
    pack = pack or load_pack(pack_path)
    contacts, row_errors = read_manifest(Path(manifest) if manifest else input_dir / "manifest.csv")
    started = time.perf_counter()
    total = len(contacts) + len(row_errors)

    with open_session(engine) as session:
        mark_stale_runs(session)  # runs killed earlier must not look as if they were still going
        run = models.AuditRun(input_dir=str(input_dir.resolve()), rule_pack_version=pack.version, total=total,
                              options={"asr": options.asr, "asr_model": options.asr_model,
                                       "diarizer": options.diarizer, "executor": executor.name,
                                       "workers": workers, "low_memory": low_memory, "force": force,
                                       **run_owner(),
                                       **({"manifest": str(Path(manifest).resolve())} if manifest else {})})
        session.add(run)
        session.commit()
        run_id = run.id
    summary = BatchSummary(run_id=run_id, total=total)
    summary.failures += [Failure(e.reason, e.call_id, e.line, manifest=True) for e in row_errors]

    previous_term = None
    error: str | None = None
    if threading.current_thread() is threading.main_thread():
        previous_term = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        work = plan(engine, input_dir, contacts, pack.version, force)
        summary.skipped = len(work.skipped)
        if on_plan:
            on_plan(len(work.todo), 0.0)

        weights = pack.parameters.severity_weights
        stored_now: set[str] = set()  # contacts whose findings this run stored (for the count)
        with open_session(engine) as session:
            for contact in work.no_recording:
                findings = pack.scan_contact(contact, [], {})
                save_audit(session, contact, None, findings, weights=weights, rule_pack_version=pack.version,
                           audio_path=None, audio_sha256=None, run_id=run_id)
                summary.no_recording += 1
                summary.findings += len(findings)
                stored_now.add(contact.call_id)
                _record_progress(session, run_id, summary)
                if before_commit:
                    before_commit(session, [contact.call_id])
                session.commit()
            for contact, reason in work.missing:
                summary.failures.append(Failure(reason, contact.call_id, contact.line))
                summary.failed_contacts += 1
                row = session.get(models.Contact, contact.call_id)
                # An audit stored by an earlier run stays; the failure is in this run's record.
                if row is None or row.status != ContactStatus.AUDITED.value:
                    save_failure(session, contact, reason, audio_path=None,  # the reason names the file
                                 run_id=run_id)
                _record_progress(session, run_id, summary)
                session.commit()

        # the pack loaded once: a worker in this process need not compile it again
        by_id = {item.contact.call_id: item for item in work.todo}
        for worker, items in _phases(engine, options, pack_path, low_memory, pack, work.todo, voices):
            for result in executor.map(worker, items):
                item = by_id[result.call_id]
                summary.audio_seconds += result.audio_seconds
                with open_session(engine) as session:
                    if result.error:
                        save_failure(session, item.contact, result.error, audio_path=item.audio_path, run_id=run_id)
                        summary.failures.append(Failure(result.error, item.contact.call_id, item.contact.line))
                        summary.failed_contacts += 1
                    else:
                        save_audit(session, item.contact, result.transcript, result.findings, weights=weights,
                                   rule_pack_version=pack.version, audio_path=item.audio_path,
                                   audio_sha256=result.sha256 or item.sha256, run_id=run_id)
                        summary.audited += 1
                        summary.findings += len(result.findings)
                        stored_now.add(result.call_id)
                        if result.voice_chunks:  # the collector channel of a stereo call
                            from audit.voiceprints import enroll
                            from pipelines.voices import OUTLIERS

                            enroll(session, item.contact.agent_id, result.voice_chunks, **OUTLIERS)
                        if before_commit:
                            before_commit(session, [result.call_id])
                    _record_progress(session, run_id, summary)
                    session.commit()
                if progress:
                    progress(result, summary)

        # Rules across contacts: evaluated over the stored log of the debtors this batch touched.
        log_rules = {r.id for r in pack.rules if r.detector.type in LOG_TYPES}
        if log_rules and contacts:
            everyone = log_contacts(engine, contacts)
            per_call: dict[str, list[Finding]] = defaultdict(list)
            for finding in pack.scan_log(everyone):
                per_call[finding.call_id].append(finding)
            with open_session(engine) as session:
                replace_log_findings(session, {c.call_id: per_call.get(c.call_id, []) for c in everyone},
                                     log_rules, weights=weights)
                if before_commit:
                    before_commit(session, [c.call_id for c in everyone])
                session.commit()
            summary.findings += sum(len(per_call.get(call_id, [])) for call_id in stored_now)
    except KeyboardInterrupt as exc:
        summary.interrupted = True
        log.warning("batch interrupted (%s); run it again to finish the rest", exc or "Ctrl-C")
    except BaseException as exc:
        error = f"{type(exc).__name__}: {exc}"  # re-raised; the record below says `failed`, never `running`
        raise
    finally:
        if previous_term is not None:
            signal.signal(signal.SIGTERM, previous_term)
        summary.elapsed_s = time.perf_counter() - started
        try:
            with open_session(engine) as session:
                run = session.get(models.AuditRun, run_id)
                _record_progress(session, run_id, summary)
                run.ended_at = datetime.now(UTC)
                run.status = ("failed" if error else "interrupted" if summary.interrupted
                              else "ok" if summary.ok else "failed")
                if error:
                    run.options = {**(run.options or {}), "reason": error}
                session.commit()
        except Exception:
            if error is None:
                raise
            # the database itself may be what failed: keep the original error; the next run marks
            # this record interrupted (its process is gone)
            log.exception("could not record the end of run %s (%s)", run_id, error)
    return summary
