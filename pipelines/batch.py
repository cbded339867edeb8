"""The batch audit: a folder of recordings plus its manifest in, stored results out.

Each contact is one unit of work committed on its own, so a run killed at any moment loses at
most the contacts in flight, and the next run finishes the rest: a recording already audited
with the same content hash and the same rule-pack version is skipped (``force`` re-audits).
Bad rows and bad files are recorded as failed contacts with their reason; the rest goes on.
"""

from __future__ import annotations

import logging
import os
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.engine import Engine

from audit import models
from audit.rules.pack import LOG_TYPES
from audit.manifest import ManifestError, RowError, read_manifest
from audit.schema import Contact, ContactStatus, Finding, Transcript
from audit.storage import session as open_session
from audit.store import contact_from_row, replace_log_findings, save_audit, save_failure, upsert_contact
from pipelines.process import PipelineOptions

log = logging.getLogger(__name__)


@dataclass
class WorkItem:
    """One recording to audit (picklable: it crosses process and Ray boundaries)."""

    contact: Contact
    audio_path: str
    sha256: str


@dataclass
class WorkResult:
    call_id: str
    transcript: Transcript | None = None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    audio_seconds: float = 0.0
    elapsed_s: float = 0.0


@dataclass
class Failure:
    """Something that could not be audited: a contact, or a manifest line that is no contact."""

    reason: str
    call_id: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.call_id or f"manifest line {self.line}"
        return f"{where}: {self.reason}"


@dataclass
class BatchSummary:
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


class Worker:
    """Audits one recording: decode → transcribe/diarize → rule scan. Models load once."""

    def __init__(self, options: PipelineOptions, pack_path: str | None):
        self.options = options
        self.pack_path = pack_path
        self._pipeline = None
        self._pack = None

    @property
    def pack(self):
        if self._pack is None:
            from audit.rules import load_pack

            self._pack = load_pack(self.pack_path)
        return self._pack

    def run(self, item: WorkItem) -> WorkResult:
        from pipelines.audio import AudioError, load_audio
        from pipelines.process import Pipeline

        start = time.perf_counter()
        try:
            audio = load_audio(item.audio_path, sha256=item.sha256)
        except AudioError as exc:
            return WorkResult(item.contact.call_id, error=str(exc), elapsed_s=time.perf_counter() - start)
        try:
            if self._pipeline is None:
                self._pipeline = Pipeline(self.options)
            transcript = self._pipeline.process(item.contact, audio)
            findings = self.pack.scan_contact(item.contact, transcript.segments, transcript.metrics)
        except Exception as exc:  # noqa: BLE001 - one bad recording must not stop the night
            log.exception("auditing %s failed", item.contact.call_id)
            return WorkResult(item.contact.call_id, error=f"{type(exc).__name__}: {exc}",
                              audio_seconds=audio.duration, elapsed_s=time.perf_counter() - start)
        return WorkResult(item.contact.call_id, transcript, findings, audio_seconds=audio.duration,
                          elapsed_s=time.perf_counter() - start)


def _sha256(path: Path) -> str:
    from pipelines.audio import file_sha256

    return file_sha256(path)


def plan(engine: Engine, input_dir: Path, contacts: list[Contact], pack_version: str, force: bool
         ) -> tuple[list[WorkItem], list[Contact], list[tuple[Contact, str]], list[str]]:
    """Split the log into: recordings to audit, contacts without a recording, contacts whose
    recording is missing, and call_ids already audited (skipped)."""
    todo, no_audio, missing, skipped = [], [], [], []
    with open_session(engine) as session:
        done = {row.call_id: row for row in session.exec(
            select(models.Contact).where(models.Contact.call_id.in_([c.call_id for c in contacts]))
        ).scalars()} if contacts else {}
    for contact in contacts:
        if not contact.has_recording:
            no_audio.append(contact)
            continue
        path = (input_dir / contact.audio_file).resolve()
        if not path.is_file():
            missing.append((contact, f"{contact.audio_file}: file not found in {input_dir}; "
                                     "upload the recording or fix audio_file in the manifest"))
            continue
        sha = _sha256(path)
        row = done.get(contact.call_id)
        if (not force and row is not None and row.status == ContactStatus.AUDITED.value
                and row.audio_sha256 == sha and row.rule_pack_version == pack_version):
            skipped.append(contact.call_id)
            continue
        todo.append(WorkItem(contact, str(path), sha))
    return todo, no_audio, missing, skipped


class LocalExecutor:
    """Runs work items in this process (1 worker) or a process pool (N workers)."""

    name = "local"

    def __init__(self, workers: int = 1):
        self.workers = max(1, workers)

    def map(self, worker: Worker, items: list[WorkItem]) -> Iterator[WorkResult]:
        if self.workers == 1 or len(items) <= 1:
            for item in items:
                yield worker.run(item)
            return
        import concurrent.futures as cf
        import multiprocessing

        threads = max(1, (os.cpu_count() or 2) // self.workers)
        options = worker.options
        options.cpu_threads = options.cpu_threads or threads
        context = multiprocessing.get_context("spawn")  # no fork of a loaded model or open DB handles
        with cf.ProcessPoolExecutor(self.workers, mp_context=context, initializer=_init_worker,
                                    initargs=(options, worker.pack_path)) as pool:
            futures = {pool.submit(_run_in_worker, item): item for item in items}
            for future in cf.as_completed(futures):
                item = futures[future]
                try:
                    yield future.result()
                except Exception as exc:  # noqa: BLE001 - a worker process died (e.g. out of memory)
                    yield WorkResult(item.contact.call_id, error=f"worker crashed: {type(exc).__name__}: {exc}")


_WORKER: Worker | None = None


def _init_worker(options: PipelineOptions, pack_path: str | None) -> None:
    global _WORKER
    _WORKER = Worker(options, pack_path)


def _run_in_worker(item: WorkItem) -> WorkResult:
    assert _WORKER is not None
    return _WORKER.run(item)


class RayExecutor:
    """Runs work items on Ray actors, one model set per actor (``pip install 'callaudit[ray]'``).

    ``address=None`` starts a local Ray instance; ``"auto"`` joins the cluster this machine
    belongs to. ``gpus`` per actor places actors on GPU workers of the cluster.
    """

    name = "ray"

    def __init__(self, workers: int = 1, address: str | None = None, gpus: float = 0.0):
        self.workers, self.address, self.gpus = max(1, workers), address, gpus

    def map(self, worker: Worker, items: list[WorkItem]) -> Iterator[WorkResult]:
        try:
            import ray
        except ImportError as exc:
            raise RuntimeError("the Ray executor needs `pip install 'callaudit[ray]'`") from exc
        started_here = not ray.is_initialized()
        if started_here:
            ray.init(address=self.address, include_dashboard=False, log_to_driver=False,
                     **({} if self.address else {"num_cpus": os.cpu_count() or 2}))
        try:
            threads = max(1, int(ray.available_resources().get("CPU", 2)) // self.workers)
            options = worker.options
            options.cpu_threads = options.cpu_threads or threads
            Actor = ray.remote(num_cpus=threads, num_gpus=self.gpus)(Worker)
            actors = [Actor.remote(options, worker.pack_path) for _ in range(min(self.workers, len(items)) or 1)]
            pending = {}
            queue = list(items)
            for actor in actors:
                if queue:
                    item = queue.pop(0)
                    pending[actor.run.remote(item)] = (actor, item)
            while pending:
                done, _ = ray.wait(list(pending), num_returns=1)
                ref = done[0]
                actor, item = pending.pop(ref)
                try:
                    yield ray.get(ref)
                except Exception as exc:  # noqa: BLE001 - the actor died; report and go on
                    yield WorkResult(item.contact.call_id, error=f"Ray worker failed: {type(exc).__name__}: {exc}")
                    actor = Actor.remote(options, worker.pack_path)
                if queue:
                    item = queue.pop(0)
                    pending[actor.run.remote(item)] = (actor, item)
        finally:
            if started_here:
                ray.shutdown()


EXECUTORS = {"local": LocalExecutor, "ray": RayExecutor}


def get_executor(name: str = "local", **kwargs):
    try:
        cls = EXECUTORS[name]
    except KeyError:
        raise ValueError(f"unknown executor {name!r}; choose one of: {', '.join(EXECUTORS)}") from None
    return cls(**kwargs)


def _log_contacts(engine: Engine, contacts: Iterable[Contact]) -> list[Contact]:
    """All stored contacts of the debtors in ``contacts`` around their days (rules across
    contacts see the whole log, not just this batch)."""
    debtors = {c.debtor_id for c in contacts if c.debtor_id}
    if not debtors:
        return []
    days = [c.started_at for c in contacts]
    lo, hi = min(days) - timedelta(days=1), max(days) + timedelta(days=1)
    with open_session(engine) as session:
        rows = session.exec(select(models.Contact).where(
            models.Contact.debtor_id.in_(debtors), models.Contact.started_at >= lo,
            models.Contact.started_at <= hi)).scalars().all()
        return [contact_from_row(r) for r in rows]


def run_batch(engine: Engine, input_dir: str | Path, *, options: PipelineOptions | None = None,
              pack_path: str | None = None, force: bool = False, executor=None,
              progress: Callable[[WorkResult, BatchSummary], None] | None = None,
              on_plan: Callable[[int, float], None] | None = None) -> BatchSummary:
    """Audit every row of ``INPUT_DIR/manifest.csv`` into the database behind ``engine``.

    Raises:
        ManifestError: the manifest itself is unreadable (nothing can be audited).
    """
    from audit.rules import load_pack

    input_dir = Path(input_dir)
    options = options or PipelineOptions()
    executor = executor or LocalExecutor()
    pack = load_pack(pack_path)
    contacts, row_errors = read_manifest(input_dir / "manifest.csv")
    started = time.perf_counter()

    with open_session(engine) as session:
        run = models.AuditRun(input_dir=str(input_dir.resolve()), rule_pack_version=pack.version,
                              total=len(contacts) + len(row_errors),
                              options={"asr": options.asr, "asr_model": options.asr_model,
                                       "diarizer": options.diarizer, "executor": executor.name,
                                       "force": force})
        session.add(run)
        session.commit()
        run_id = run.id
    summary = BatchSummary(run_id=run_id, total=len(contacts) + len(row_errors))
    summary.failures += [Failure(e.reason, e.call_id, e.line) for e in row_errors]

    todo, no_audio, missing, skipped = plan(engine, input_dir, contacts, pack.version, force)
    summary.skipped = len(skipped)
    if on_plan:
        on_plan(len(todo), 0.0)

    weights = pack.parameters.severity_weights
    with open_session(engine) as session:
        for contact in no_audio:
            findings = pack.scan_contact(contact, [], {})
            save_audit(session, contact, None, findings, weights=weights, rule_pack_version=pack.version,
                       audio_path=None, audio_sha256=None, run_id=run_id)
            session.commit()
            summary.no_recording += 1
        for contact, reason in missing:
            save_failure(session, contact, reason, audio_path=str(input_dir / contact.audio_file), run_id=run_id)
            session.commit()
            summary.failures.append(Failure(reason, contact.call_id, contact.line))
            summary.failed_contacts += 1

    worker = Worker(options, pack_path)
    by_id = {item.contact.call_id: item for item in todo}
    try:
        for result in executor.map(worker, todo):
            item = by_id[result.call_id]
            with open_session(engine) as session:
                if result.error:
                    save_failure(session, item.contact, result.error, audio_path=item.audio_path, run_id=run_id)
                    summary.failures.append(Failure(result.error, item.contact.call_id, item.contact.line))
                    summary.failed_contacts += 1
                else:
                    save_audit(session, item.contact, result.transcript, result.findings, weights=weights,
                               rule_pack_version=pack.version, audio_path=item.audio_path,
                               audio_sha256=item.sha256, run_id=run_id)
                    summary.audited += 1
                    summary.findings += len(result.findings)
                session.commit()
            summary.audio_seconds += result.audio_seconds
            if progress:
                progress(result, summary)
    except KeyboardInterrupt:
        summary.interrupted = True

    # Rules across contacts: evaluated over the stored log of the debtors this batch touched.
    log_rules = {r.id for r in pack.rules if r.detector.type in LOG_TYPES}
    if log_rules and contacts and not summary.interrupted:
        everyone = _log_contacts(engine, contacts)
        per_call: dict[str, list[Finding]] = defaultdict(list)
        for finding in pack.scan_log(everyone):
            per_call[finding.call_id].append(finding)
        with open_session(engine) as session:
            replace_log_findings(session, {c.call_id: per_call.get(c.call_id, []) for c in everyone},
                                 log_rules, weights=weights)
            session.commit()

    summary.elapsed_s = time.perf_counter() - started
    with open_session(engine) as session:
        run = session.get(models.AuditRun, run_id)
        run.ended_at = datetime.now(timezone.utc)
        run.status = "interrupted" if summary.interrupted else ("ok" if summary.ok else "failed")
        run.audited, run.skipped, run.failed = summary.audited, summary.skipped, len(summary.failures)
        run.audio_seconds = round(summary.audio_seconds, 2)
        run.failures = [{"call_id": f.call_id, "line": f.line, "reason": f.reason} for f in summary.failures]
        session.commit()
    return summary
