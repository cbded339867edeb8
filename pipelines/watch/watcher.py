"""The watcher: audit each fragment and stream entry as ``audit batch`` would, send the alerts,
log a health line, stop cleanly on SIGTERM (see :mod:`pipelines.watch`)."""

from __future__ import annotations

import csv
import json
import logging
import os
import signal
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from audit.alerts import Sink
from audit.manifest import ManifestError
from pipelines.alerts import AlertDispatcher, RetryPolicy, Sender, enqueue_alerts, outbox_counts
from pipelines.batch import BatchSummary, Executor, LocalExecutor, run_batch
from pipelines.process import PipelineOptions
from pipelines.watch.inbox import DONE, FAILED, STATE, claim, fragments, free_name
from pipelines.watch.stream import Entry, StreamSource, row_from_entry

# One logger for the package: its log lines keep the name they had before it was split.
log = logging.getLogger(__package__)

MAX_DELIVERIES = 5  # an entry handed out this often without being finished is set aside


@dataclass
class Outcome:
    """What became of one fragment or stream entry."""

    source: str  # fragment file name or stream entry id
    summary: BatchSummary | None = None
    error: str | None = None  # the fragment/entry itself is unusable (no contact audited)
    moved_to: Path | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.summary is not None and self.summary.ok

    @property
    def interrupted(self) -> bool:
        return self.summary is not None and self.summary.interrupted

    def reasons(self) -> list[str]:
        if self.error:
            return [self.error]
        return [str(f) for f in self.summary.failures] if self.summary else []


@dataclass
class WatchStats:
    """Counters for the health line."""

    started: float = field(default_factory=time.time)
    fragments_done: int = 0
    fragments_failed: int = 0
    entries_done: int = 0
    entries_failed: int = 0
    audited: int = 0
    last_activity: float | None = None


class Watcher:
    """Audits what arrives in an inbox folder and on a Redis stream, and sends the alerts.

    Args:
        engine: the database (schema at head).
        inbox: the folder fragments and recordings are dropped into.
        options: engine choices.
        pack_path: rule pack file (default: the built-in pack); loaded once.
        sinks: where alerts go (none: audit only).
        dispatcher: sends the alerts (built from ``sinks``, ``retry`` and ``smtp`` when not given).
        stream: the Redis source, if any.
        audio_root: folder the stream rows' audio paths are relative to (default ``inbox``).
        dashboard_url: base of the deep links in alerts.
        executor: where recordings are audited (default: one local worker that keeps its models).
        poll_s: how often the inbox is looked at when idle.
        health_s: how often a health line is logged.
    """

    def __init__(self, engine: Engine, inbox: str | Path, *, options: PipelineOptions | None = None,
                 pack_path: str | None = None, sinks: list[Sink] | None = None,
                 dispatcher: AlertDispatcher | None = None, retry: RetryPolicy | None = None,
                 smtp: Sender | None = None, stream: StreamSource | None = None,
                 audio_root: str | Path | None = None, dashboard_url: str = "http://localhost:8501",
                 executor: Executor | None = None, low_memory: bool | None = None, poll_s: float = 5.0,
                 health_s: float = 60.0):
        from audit.rules import load_pack

        self.engine = engine
        self.inbox = Path(inbox).resolve()
        self.options = options or PipelineOptions()
        self.pack_path = pack_path
        self.pack = load_pack(pack_path)
        self.sinks = list(sinks or [])
        self.dispatcher = dispatcher or (AlertDispatcher(engine, self.sinks, policy=self.pack.alerts, retry=retry,
                                                         smtp=smtp) if self.sinks else None)
        self.stream = stream
        self.audio_root = Path(audio_root).resolve() if audio_root else self.inbox
        self.dashboard_url = dashboard_url
        self.executor = executor or LocalExecutor()
        self.low_memory = low_memory
        self.poll_s = poll_s
        self.health_s = health_s
        self.stats = WatchStats()
        # a plain flag, not an Event: it is set from a signal handler, where taking a lock
        # the interrupted code may hold would deadlock
        self._stopping = False
        self._last_health = 0.0
        for name in (DONE, FAILED, STATE):
            (self.inbox / name).mkdir(exist_ok=True)

    # -- auditing ---------------------------------------------------------------------------------

    def _enqueue(self, session, call_ids: list[str]) -> None:
        added = enqueue_alerts(session, call_ids, policy=self.pack.alerts, sinks=self.sinks,
                               dashboard_url=self.dashboard_url)
        if added:
            log.info("%d alert(s) queued for %s", added, ", ".join(call_ids[:5]) + ("…" if len(call_ids) > 5 else ""))

    def _audit(self, root: Path, manifest: Path) -> BatchSummary:
        return run_batch(self.engine, root, manifest=manifest, options=self.options, pack_path=self.pack_path,
                         pack=self.pack, executor=self.executor, low_memory=self.low_memory,
                         before_commit=self._enqueue if self.sinks else None)

    def process_fragment(self, path: Path) -> Outcome | None:
        """Audit one fragment and move it to done/ or failed/; ``None`` when another watcher
        has it. An interrupted audit leaves the fragment where it is."""
        with claim(path) as mine:
            if not mine:
                return None
            started = time.perf_counter()
            log.info("fragment %s: auditing", path.name)
            outcome = Outcome(path.name)
            try:
                outcome.summary = self._audit(self.inbox, path)
            except ManifestError as exc:
                outcome.error = str(exc)
            except DBAPIError:
                raise  # the database is away: the fragment stays for the restarted service
            except Exception as exc:  # noqa: BLE001 - a bug on one fragment must not stop the others
                log.exception("fragment %s: internal error", path.name)
                outcome.error = (f"{path.name}: internal error ({type(exc).__name__}: {exc}); move the fragment "
                                 "back into the inbox to retry, and report the log if it fails again")
            if outcome.interrupted:
                log.warning("fragment %s: interrupted; it stays in the inbox for the next start", path.name)
                return outcome
            self._file_away(path, outcome)
            self._log_outcome(outcome, time.perf_counter() - started)
            if outcome.ok:
                self.stats.fragments_done += 1
            else:
                self.stats.fragments_failed += 1
            return outcome

    def _file_away(self, path: Path, outcome: Outcome) -> None:
        if outcome.ok:
            target = free_name(self.inbox / DONE, path.name)
        else:
            target = free_name(self.inbox / FAILED, path.name)
            # the reason first: a fragment in failed/ always has its reason beside it
            reason = target.with_name(target.name + ".reason.txt")
            reason.write_text("\n".join(outcome.reasons()) + "\n", encoding="utf-8")
        os.replace(path, target)
        outcome.moved_to = target

    def process_entry(self, entry: Entry) -> Outcome:
        """Audit one stream entry; acknowledged once committed (or set aside with its reason)."""
        assert self.stream is not None
        outcome = Outcome(entry.id)
        if entry.deliveries > MAX_DELIVERIES:
            outcome.error = (f"stream entry {entry.id} was handed out {entry.deliveries} times without being "
                             "finished (a watcher crashed on it each time?); set aside")
            self.stream.fail(entry, outcome.error)
            self.stats.entries_failed += 1
            log.error("%s", outcome.error)
            return outcome
        started = time.perf_counter()
        try:
            row = row_from_entry(entry)
        except ValueError as exc:
            outcome.error = str(exc)
        if outcome.error is None:
            log.info("stream entry %s (%s): auditing", entry.id, row.get("call_id", "?"))
            with tempfile.TemporaryDirectory(dir=self.inbox / STATE, prefix="entry-") as tmp:
                manifest = Path(tmp) / "manifest.csv"
                with open(manifest, "w", encoding="utf-8", newline="") as handle:
                    writer = csv.DictWriter(handle, fieldnames=list(row))
                    writer.writeheader()
                    writer.writerow(row)
                try:
                    with self.stream.holding(entry):
                        outcome.summary = self._audit(self.audio_root, manifest)
                except ManifestError as exc:
                    outcome.error = f"stream entry {entry.id}: {exc}"
                except DBAPIError:
                    self.stream.release(entry)  # the database is away: another watcher (or the restart) retries
                    raise
                except Exception as exc:  # noqa: BLE001 - a bug on one entry must not stop the others
                    log.exception("stream entry %s: internal error", entry.id)
                    outcome.error = f"stream entry {entry.id}: internal error ({type(exc).__name__}: {exc})"
        if outcome.interrupted:
            self.stream.release(entry)
            log.warning("stream entry %s: interrupted; released for the next watcher", entry.id)
            return outcome
        if outcome.ok:
            self.stream.ack(entry)
            self.stats.entries_done += 1
        else:
            self.stream.fail(entry, "\n".join(outcome.reasons()))
            self.stats.entries_failed += 1
        self._log_outcome(outcome, time.perf_counter() - started)
        return outcome

    def _log_outcome(self, outcome: Outcome, seconds: float) -> None:
        self.stats.last_activity = time.time()
        s = outcome.summary
        if s is not None:
            self.stats.audited += s.audited
        where = f" -> {outcome.moved_to.parent.name}/" if outcome.moved_to else ""
        if outcome.ok:
            log.info("%s: %d audited, %d already audited, %d without recording, %d findings in %.1f s%s",
                     outcome.source, s.audited, s.skipped, s.no_recording, s.findings, seconds, where)
        else:
            log.warning("%s: failed in %.1f s%s: %s", outcome.source, seconds, where, "; ".join(outcome.reasons()))

    # -- the loop ---------------------------------------------------------------------------------

    def stop(self, *_args) -> None:
        """Finish the current step and return from :meth:`run` (signal handler safe)."""
        self._stopping = True

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self._stopping and time.monotonic() < deadline:
            time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))

    def health(self) -> dict[str, Any]:
        """What the health line says: backlog, alerts, counters."""
        waiting = len(fragments(self.inbox))
        alerts = outbox_counts(self.engine, self.sinks) if self.sinks else None
        data: dict[str, Any] = {"inbox_waiting": waiting, "fragments_done": self.stats.fragments_done,
                                "fragments_failed": self.stats.fragments_failed,
                                "entries_done": self.stats.entries_done, "entries_failed": self.stats.entries_failed,
                                "audited": self.stats.audited}
        if alerts is not None:
            data.update(alerts_pending=alerts.pending, alerts_sent=alerts.sent, alerts_dead=alerts.dead)
        if self.stream is not None:
            data["stream"] = self.stream.counts()
        return data

    def _maybe_health(self) -> None:
        now = time.monotonic()
        if now - self._last_health >= self.health_s:
            self._last_health = now
            try:
                log.info("health: %s", json.dumps(self.health(), ensure_ascii=False))
            except Exception as exc:  # noqa: BLE001 - a health line must never stop the watcher
                log.warning("health: unavailable (%s)", exc)

    def step(self, block_s: float = 0.0) -> tuple[int, bool]:
        """Audit what is waiting now: every fragment, then every stream entry.

        Returns the number of fragments and entries handled, and whether one was interrupted.
        """
        handled = 0
        for path in fragments(self.inbox):
            if self._stopping:
                return handled, False
            outcome = self.process_fragment(path)
            if outcome is None:
                continue
            handled += 1
            if outcome.interrupted:
                return handled, True
        while self.stream is not None and not self._stopping:
            entry = self.stream.next(block_s if handled == 0 else 0.0)
            if entry is None:
                break
            handled += 1
            if self.process_entry(entry).interrupted:
                return handled, True
            block_s = 0.0
        return handled, False

    def run(self, once: bool = False, flush_s: float | None = None) -> int:
        """Watch until stopped (SIGTERM, Ctrl-C, :meth:`stop`); with ``once``, audit what is
        there and return. Returns 0, or 1 when ``once`` met a fragment or entry that failed."""
        if self.stream is not None:
            self.stream.setup()
        if self.dispatcher is not None:
            self.dispatcher.start()
        in_main = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGTERM, self.stop) if in_main else None
        log.info("watching %s%s; %d alert sink(s)%s", self.inbox,
                 f" and stream {self.stream.stream} (group {self.stream.group}, consumer {self.stream.consumer})"
                 if self.stream else "", len(self.sinks),
                 ": " + ", ".join(s.shown for s in self.sinks) if self.sinks else "")
        failed_before = self.stats.fragments_failed + self.stats.entries_failed
        try:
            while not self._stopping:
                self._maybe_health()
                # with a stream, wait on it (new entries come in at once); else sleep between looks
                handled, interrupted = self.step(block_s=0.0 if once or self.stream is None else self.poll_s)
                if interrupted:
                    break
                if once and handled == 0:
                    break
                if handled == 0 and self.stream is None:
                    self._sleep(self.poll_s)
        except KeyboardInterrupt:
            log.warning("interrupted")
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
            if self.dispatcher is not None:
                self.dispatcher.stop()
                if once:
                    # cron/test use: deliver everything (retries included) before exiting
                    self.dispatcher.drain(flush_s if flush_s is not None else self.dispatcher.retry.total_s() + 30)
                else:
                    self.dispatcher.drain(flush_s if flush_s is not None else 5.0)
            log.info("health: %s", json.dumps(self.health(), ensure_ascii=False))
        failed = self.stats.fragments_failed + self.stats.entries_failed - failed_before
        return 1 if once and failed else 0

