"""Where the work runs: :class:`LocalExecutor` (this process, or a pool of spawned processes)
and :class:`RayExecutor` (actors on a local or remote Ray cluster), registered by name in
:data:`EXECUTORS`.
"""

from __future__ import annotations

import dataclasses
import os
import signal
from collections.abc import Iterator
from typing import Any, Protocol

from pipelines.batch.worker import Worker, WorkItem, WorkResult
from pipelines.process import PipelineOptions
from pipelines.registry import Registry


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
            # the models the previous resident loaded stay if the new options use the same ones
            # (a batch with voiceprints: stereo calls first, then the rest with the voiceprints)
            resident = self._resident = worker.with_options(options, models_from=resident)
        resident.use_pack_of(worker)  # the caller's pack: the version it stores is the one that scanned
        return resident

    def map(self, worker: Worker, items: list[WorkItem]) -> Iterator[WorkResult]:
        spec = worker.spec()
        spec["options"] = _with_threads(worker.options, _threads_per_worker(os.cpu_count() or 1, self.workers))
        if self.workers == 1 or len(items) <= 1:
            local = self._local(worker, spec["options"])
            for i, item in enumerate(items):  # the next recording is heard while this one finishes
                yield local.run(item, then=items[i + 1] if i + 1 < len(items) else None)
            return
        import concurrent.futures as cf
        import multiprocessing

        context = multiprocessing.get_context("spawn")  # no fork of a loaded model or open DB handles
        # The pool's worker processes are the children started from here on. The executor has no
        # public handle on them before Python 3.14 (terminate_workers()); this set tells them apart
        # from children this process already had.
        earlier_children = set(multiprocessing.active_children())
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
                for process in multiprocessing.active_children():
                    if process not in earlier_children:
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
