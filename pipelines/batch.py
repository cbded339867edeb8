"""The batch audit: a folder of recordings plus its manifest in, stored results out.

Each contact is one unit of work committed on its own (its transcript, findings, score and the
run record's counters in one transaction), so a run killed at any moment - SIGTERM, SIGKILL,
power loss - loses at most the contacts in flight, and the next run finishes the rest: a
recording already audited with the same content hash and the same rule-pack version is skipped
(``force`` re-audits). Bad rows and bad files are recorded with their reason; the rest goes on.

Executors decide where the work runs: :class:`LocalExecutor` (this process, or a pool of
spawned processes) and :class:`RayExecutor` (actors on a local or remote Ray cluster). Each
worker loads its models once and keeps them for every recording it is given; on a small machine
(``low_memory``) it frees each model before the next stage loads its own.
"""

from __future__ import annotations

import dataclasses
import gc
import logging
import os
import signal
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from audit import models
from audit.manifest import read_manifest
from audit.paths import UnsafePath, file_sha256, resolve_inside
from audit.rules.detectors import LOG_TYPES
from audit.rules.pack import RulePack
from audit.schema import Contact, ContactStatus, Finding, Transcript
from audit.storage import session as open_session
from audit.store import contact_from_row, replace_log_findings, save_audit, save_failure
from pipelines.process import PipelineOptions
from pipelines.registry import Registry

log = logging.getLogger(__name__)

# Below this much memory per worker the worker runs in low-memory mode (one model at a time).
LOW_MEMORY_BYTES_PER_WORKER = 3 << 30
# A file whose header promises this much more audio than can be decoded is truncated.
TRUNCATION_TOLERANCE_S = 1.0
_IN_CHUNK = 500  # ids per IN (...) query: far below SQLite's bound-parameter limit


@dataclass
class WorkItem:
    """One recording to audit (picklable: it crosses process and Ray boundaries).

    ``sha256`` is known when the contact was audited before (the skip check needed it);
    otherwise the worker hashes the file while it reads it anyway.
    """

    contact: Contact
    audio_path: str
    sha256: str | None = None


@dataclass
class WorkResult:
    """What a worker sends back for one :class:`WorkItem`; ``error`` set means it failed."""

    call_id: str
    transcript: Transcript | None = None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    audio_seconds: float = 0.0
    elapsed_s: float = 0.0
    sha256: str | None = None


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


class TruncatedAudio(Exception):
    """The file header promises more audio than the file holds."""


def check_complete(path: str | Path, decoded_seconds: float) -> None:
    """Raise :class:`TruncatedAudio` when a recording was cut short in transfer.

    An MP3 whose upload broke off still decodes - up to the break - but its Xing/Info header
    (or an MP4 header) still states the full length, so the two are compared. Formats whose
    header is derived from the file size (WAV) cannot tell; the recording-integrity rule
    (recording much shorter than the dialer's talk time) catches those.
    """
    import av

    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            declared = container.duration / 1_000_000 if container.duration else None
    except (av.error.FFmpegError, OSError):
        return  # the decoder already read it; a header we cannot reread proves nothing
    if declared and declared - decoded_seconds > max(TRUNCATION_TOLERANCE_S, 0.02 * declared):
        raise TruncatedAudio(
            f"{path}: truncated recording: its header says {declared:.1f} s but only "
            f"{decoded_seconds:.1f} s can be decoded; upload the complete file again")


class Worker:
    """Audits one recording at a time: decode → transcribe/diarize → rule scan.

    The models load on the first recording and stay loaded for the next ones. With
    ``low_memory`` each model is freed as soon as its stage is done (as whisperX frees the ASR
    model before diarization), so only one is in memory at a time; it costs a model load per
    stage and recording.
    """

    def __init__(self, options: PipelineOptions, pack_path: str | None, low_memory: bool = False):
        self.options = options
        self.pack_path = pack_path
        self.low_memory = low_memory
        self._pipeline = None
        self._pack = None

    def spec(self) -> dict[str, Any]:
        """Constructor arguments: what a new process needs to build the same worker."""
        return {"options": self.options, "pack_path": self.pack_path, "low_memory": self.low_memory}

    def with_options(self, options: PipelineOptions) -> Worker:
        """The same worker with other options, sharing the rule pack already loaded here."""
        clone = Worker(options, self.pack_path, self.low_memory)
        clone._pack = self._pack
        return clone

    def __getstate__(self) -> dict[str, Any]:
        return self.spec()  # loaded models never cross a process boundary

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state)

    @property
    def pack(self):
        if self._pack is None:
            from audit.rules import load_pack

            self._pack = load_pack(self.pack_path)
        return self._pack

    @property
    def pipeline(self):
        if self._pipeline is None:
            from pipelines.process import Pipeline

            self._pipeline = Pipeline(self.options, hook=self._stage_done if self.low_memory else None)
        return self._pipeline

    def _stage_done(self, step: str, artifact: Any = None, **info: Any) -> None:
        # Mono: ASR is done once ("asr", channel None) before diarization loads its model.
        # Stereo: both channels share the ASR model, so it goes when the transcript is done.
        if (step == "asr" and info.get("channel") is None) or step == "transcript":
            self.release()

    def release(self) -> None:
        """Free the loaded models (the next recording loads them again)."""
        if self._pipeline is not None:
            self._pipeline.release()
            gc.collect()

    def run(self, item: WorkItem) -> WorkResult:
        """Audit one recording; every error becomes ``WorkResult.error`` with its reason."""
        from pipelines.audio import AudioError, load_audio

        start = time.perf_counter()
        call_id = item.contact.call_id
        try:
            audio = load_audio(item.audio_path, sha256=item.sha256)
            check_complete(item.audio_path, audio.duration)
        except (AudioError, TruncatedAudio) as exc:
            return WorkResult(call_id, error=str(exc), elapsed_s=time.perf_counter() - start)
        except Exception as exc:  # noqa: BLE001 - a decoder bug on one file must not stop the night
            return WorkResult(call_id, error=f"{item.audio_path}: cannot read ({type(exc).__name__}: {exc})",
                              elapsed_s=time.perf_counter() - start)
        try:
            transcript = self.pipeline.process(item.contact, audio)
            transcript.metrics.update(self.pack.conduct_metrics(transcript.segments))
            findings = self.pack.scan_contact(item.contact, transcript.segments, transcript.metrics)
        except Exception as exc:
            log.exception("auditing %s failed", call_id)
            return WorkResult(call_id, error=f"{type(exc).__name__}: {exc}", audio_seconds=audio.duration,
                              elapsed_s=time.perf_counter() - start, sha256=audio.sha256)
        return WorkResult(call_id, transcript, findings, audio_seconds=audio.duration,
                          elapsed_s=time.perf_counter() - start, sha256=audio.sha256)


class Executor(Protocol):
    """Where the work runs. ``map`` yields one result per item, in completion order."""

    name: str

    def map(self, worker: Worker, items: list[WorkItem]) -> Iterator[WorkResult]: ...


def _threads_per_worker(cpus: int, workers: int) -> int:
    return max(1, cpus // max(1, workers))


def _with_threads(options: PipelineOptions, threads: int) -> PipelineOptions:
    # A copy: the caller's options stay as given (0 = "decide per executor").
    return dataclasses.replace(options, cpu_threads=options.cpu_threads or threads)


class LocalExecutor:
    """Runs work items in this process (1 worker) or a pool of spawned processes (N workers).

    The machine's cores are split between the workers (CTranslate2 threads per worker), so
    ``workers=2`` on 2 cores runs two recordings at once on one core each.
    """

    name = "local"

    def __init__(self, workers: int = 1):
        self.workers = max(1, workers)
        self._resident: Worker | None = None

    def _local(self, worker: Worker, options: PipelineOptions) -> Worker:
        """The in-process worker, kept with its loaded models from one ``map`` to the next
        (``audit watch`` audits a few recordings at a time and must not reload the models)."""
        resident = self._resident
        if resident is None or (resident.options, resident.pack_path, resident.low_memory) != (
                options, worker.pack_path, worker.low_memory):
            resident = self._resident = worker.with_options(options)
        resident._pack = worker._pack  # the caller's pack: the version it stores is the one that scanned
        return resident

    def map(self, worker: Worker, items: list[WorkItem]) -> Iterator[WorkResult]:
        spec = worker.spec()
        spec["options"] = _with_threads(worker.options, _threads_per_worker(os.cpu_count() or 1, self.workers))
        if self.workers == 1 or len(items) <= 1:
            local = self._local(worker, spec["options"])
            for item in items:
                yield local.run(item)
            return
        import concurrent.futures as cf
        import multiprocessing

        context = multiprocessing.get_context("spawn")  # no fork of a loaded model or open DB handles
        pool = cf.ProcessPoolExecutor(min(self.workers, len(items)), mp_context=context,
                                      initializer=_init_worker, initargs=(spec,))
        finished = False
        try:
            futures = {pool.submit(_run_in_worker, item): item for item in items}
            for future in cf.as_completed(futures):
                item = futures[future]
                try:
                    yield future.result()
                except Exception as exc:  # noqa: BLE001 - a worker process died (e.g. out of memory)
                    yield WorkResult(item.contact.call_id,
                                     error=f"worker crashed: {type(exc).__name__}: {exc}; "
                                           "if it ran out of memory, use fewer --workers or --low-memory")
            finished = True
        finally:
            if not finished:
                # Interrupted: results of recordings in flight would not be stored anyway, so
                # stop the workers now instead of waiting for them to finish.
                for process in list((getattr(pool, "_processes", None) or {}).values()):
                    process.terminate()
            pool.shutdown(wait=finished, cancel_futures=True)


_WORKER: Worker | None = None


def _init_worker(spec: dict[str, Any]) -> None:
    global _WORKER
    # Ctrl-C reaches the whole process group; the parent decides what happens, not the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER = Worker(**spec)


def _run_in_worker(item: WorkItem) -> WorkResult:
    assert _WORKER is not None
    return _WORKER.run(item)


class RayExecutor:
    """Runs work items on Ray actors, one model set per actor (``pip install 'callaudit[ray]'``).

    Args:
        workers: number of actors.
        address: ``None`` starts a private local Ray instance for this run; ``"auto"`` joins the
            cluster this machine belongs to; ``"ray://host:10001"`` connects a remote client.
        gpus: GPUs per actor; with ``gpus > 0`` actors are placed on GPU workers and the ASR
            runs there (float16 on CUDA).
        cpus_per_worker: CPUs each actor reserves and uses as ASR threads (default: the
            cluster's CPUs divided among the workers).
        num_cpus: CPUs of the local instance started when ``address`` is ``None``.
    """

    name = "ray"

    def __init__(self, workers: int = 1, address: str | None = None, gpus: float = 0.0,
                 cpus_per_worker: int | None = None, num_cpus: int | None = None):
        self.workers, self.address, self.gpus = max(1, workers), address, gpus
        self.cpus_per_worker, self.num_cpus = cpus_per_worker, num_cpus

    def map(self, worker: Worker, items: list[WorkItem]) -> Iterator[WorkResult]:
        try:
            import ray
        except ImportError as exc:
            raise RuntimeError("the Ray executor needs `pip install 'callaudit[ray]'`") from exc
        if not items:
            return
        started_here = not ray.is_initialized()
        if started_here:
            local = {} if self.address else {"num_cpus": self.num_cpus or os.cpu_count() or 1}
            ray.init(address=self.address, include_dashboard=False, log_to_driver=False, **local)
        try:
            cpus = self.cpus_per_worker or min(
                _threads_per_worker(int(ray.cluster_resources().get("CPU", 1)), self.workers),
                # an actor lives on one node: asking for more CPUs than any node has never schedules
                max([int(n.get("Resources", {}).get("CPU", 0)) for n in ray.nodes() if n.get("Alive")] or [1]))
            spec = worker.spec()
            spec["options"] = _with_threads(worker.options, cpus)
            actor_class = ray.remote(num_cpus=cpus, num_gpus=self.gpus)(Worker)
            actors = [actor_class.remote(**spec) for _ in range(min(self.workers, len(items)))]
            pending: dict[Any, tuple[Any, WorkItem]] = {}
            queue = list(items)
            for actor in actors:
                item = queue.pop(0)
                pending[actor.run.remote(item)] = (actor, item)
            while pending:
                done, _ = ray.wait(list(pending), num_returns=1)
                actor, item = pending.pop(done[0])
                try:
                    yield ray.get(done[0])
                except Exception as exc:  # noqa: BLE001 - the actor died; report, replace, go on
                    yield WorkResult(item.contact.call_id,
                                     error=f"Ray worker failed: {type(exc).__name__}: {exc}")
                    ray.kill(actor)
                    actor = actor_class.remote(**spec)
                if queue:
                    item = queue.pop(0)
                    pending[actor.run.remote(item)] = (actor, item)
        finally:
            if started_here:
                ray.shutdown()


EXECUTORS: Registry[Executor] = Registry("executor")
EXECUTORS["local"] = LocalExecutor
EXECUTORS["ray"] = RayExecutor


def get_executor(name: str = "local", **kwargs) -> Executor:
    """Build an executor by name; an unknown name lists the valid ones."""
    return EXECUTORS.create(name, **kwargs)


def small_machine(workers: int = 1) -> bool:
    """Whether each worker has less than :data:`LOW_MEMORY_BYTES_PER_WORKER` of RAM."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return False
    return total / max(1, workers) < LOW_MEMORY_BYTES_PER_WORKER


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


def plan(engine: Engine, input_dir: Path, contacts: list[Contact], pack_version: str, force: bool) -> Plan:
    """Sort the manifest's contacts into: recordings to audit, contacts without a recording,
    contacts whose recording is missing, and call_ids already audited (skipped).

    Only recordings already audited with this rule pack are hashed here (to see whether the
    file changed); new ones are hashed by the worker while it reads them.
    """
    result = Plan()
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


def _log_contacts(engine: Engine, contacts: Iterable[Contact]) -> list[Contact]:
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


def run_batch(engine: Engine, input_dir: str | Path, *, options: PipelineOptions | None = None,
              pack_path: str | None = None, force: bool = False, executor: Executor | None = None,
              low_memory: bool | None = None,
              progress: Callable[[WorkResult, BatchSummary], None] | None = None,
              on_plan: Callable[[int, float], None] | None = None,
              manifest: str | Path | None = None, pack: RulePack | None = None,
              before_commit: Callable[[Session, list[str]], None] | None = None) -> BatchSummary:
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

        worker = Worker(options, pack_path, low_memory=low_memory)
        worker._pack = pack  # loaded once: a worker in this process need not compile it again
        by_id = {item.contact.call_id: item for item in work.todo}
        for result in executor.map(worker, work.todo):
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
                    if before_commit:
                        before_commit(session, [result.call_id])
                _record_progress(session, run_id, summary)
                session.commit()
            if progress:
                progress(result, summary)

        # Rules across contacts: evaluated over the stored log of the debtors this batch touched.
        log_rules = {r.id for r in pack.rules if r.detector.type in LOG_TYPES}
        if log_rules and contacts:
            everyone = _log_contacts(engine, contacts)
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
                run.ended_at = datetime.now(timezone.utc)
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
