"""``audit watch``: audit recordings as they arrive and alert supervisors within minutes.

Two ways in, both audited exactly as ``audit batch`` audits a folder (:func:`pipelines.batch.
run_batch`: the same skip-if-done, rule pack, fault isolation and rules across contacts):

* **Inbox folder.** A dialer drops recordings into INBOX and then a manifest fragment, a
  ``*.csv`` with the columns of ``manifest.csv`` and audio paths relative to INBOX. Writers
  write ``name.csv.tmp`` (or any other name) and rename it to ``name.csv`` when complete: only
  names ending in ``.csv`` are taken. A fragment is audited as the manifest of INBOX, then moved
  to ``INBOX/done/``, or to ``INBOX/failed/`` with ``<name>.csv.reason.txt`` saying why (a bad
  row, an undecodable recording; the fragment's other contacts are stored all the same). The
  fragment itself is the lock: a watcher holds an exclusive ``flock`` on it while auditing it,
  so several watchers share an inbox, and the kernel drops the lock of a watcher that dies.
* **Redis Stream.** Each entry is one manifest row, field ``row`` = a JSON object with the
  manifest's columns (``audio_file`` relative to ``--audio-root``, default INBOX). Entries are
  read in a consumer group and acknowledged only once the contact is committed; an entry
  whose watcher died is reclaimed by another (``XAUTOCLAIM`` after ``--reclaim-after`` seconds
  idle) or by the same consumer when it restarts. While a watcher works on an entry it keeps
  it fresh, so a long recording is not taken away from a live watcher. An entry that cannot be
  audited is acknowledged and copied to ``<stream>:failed`` with the reason.

Alerts: each stored finding that the rule pack's ``alerts`` policy selects gets an outbox row in
the contact's own transaction (:func:`pipelines.alerts.enqueue_alerts`), and a dispatcher thread
delivers them (:class:`pipelines.alerts.AlertDispatcher`).

Stopping: SIGTERM or Ctrl-C while a recording is audited interrupts it (``run_batch`` turns
SIGTERM into an orderly interruption): nothing of it is stored, the fragment stays in INBOX and
the stream entry is released for the next watcher; contacts already committed stay. Alerts
already due are given a few seconds to go out.

Modules: :mod:`~pipelines.watch.inbox` and :mod:`~pipelines.watch.stream` (the two ways in),
:mod:`~pipelines.watch.watcher` (auditing, alerts and the loop).
"""

from pipelines.watch.inbox import DONE, FAILED, STATE, claim, fragments
from pipelines.watch.stream import FAILED_STREAM_SUFFIX, Entry, StreamSource, row_from_entry
from pipelines.watch.watcher import MAX_DELIVERIES, Outcome, Watcher, WatchStats

__all__ = [
    "DONE",
    "FAILED",
    "FAILED_STREAM_SUFFIX",
    "MAX_DELIVERIES",
    "STATE",
    "Entry",
    "Outcome",
    "StreamSource",
    "WatchStats",
    "Watcher",
    "claim",
    "fragments",
    "row_from_entry",
]
