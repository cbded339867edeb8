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

Modules, in the order a run uses them: :mod:`~pipelines.batch.plan` (what to audit),
:mod:`~pipelines.batch.worker` (one recording), :mod:`~pipelines.batch.executors` (where the
workers run) and :mod:`~pipelines.batch.run` (:func:`run_batch`, storing and the run record).
"""

from pipelines.batch.executors import EXECUTORS, Executor, LocalExecutor, RayExecutor, get_executor
from pipelines.batch.run import BatchSummary, Failure, run_batch
from pipelines.batch.worker import (
    LOW_MEMORY_BYTES_PER_WORKER,
    TRUNCATION_TOLERANCE_S,
    TruncatedAudio,
    Worker,
    WorkItem,
    WorkResult,
    check_complete,
    small_machine,
)

__all__ = [
    "EXECUTORS",
    "LOW_MEMORY_BYTES_PER_WORKER",
    "TRUNCATION_TOLERANCE_S",
    "BatchSummary",
    "Executor",
    "Failure",
    "LocalExecutor",
    "RayExecutor",
    "TruncatedAudio",
    "WorkItem",
    "WorkResult",
    "Worker",
    "check_complete",
    "get_executor",
    "run_batch",
    "small_machine",
]
