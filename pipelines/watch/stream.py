"""Intake from a Redis Stream: one manifest row per entry, read in a consumer group.

Entries are acknowledged only once the contact is committed; an entry whose watcher died is
reclaimed by another (``XAUTOCLAIM``) or by the same consumer when it restarts, and an entry
that cannot be audited is copied to ``<stream>:failed`` with the reason (see
:mod:`pipelines.watch`).
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

# One logger for the package: its log lines keep the name they had before it was split.
log = logging.getLogger(__package__)

FAILED_STREAM_SUFFIX = ":failed"


@dataclass
class Entry:
    """One stream entry: its id and fields (``row`` is the manifest row as JSON)."""

    id: str
    fields: dict[str, str]
    deliveries: int = 1


class StreamSource:
    """Manifest rows from a Redis Stream, read in a consumer group.

    Args:
        url: ``redis://host:port/db``.
        stream: the stream key.
        group: the consumer group (created at the start of the stream when missing).
        consumer: this watcher's name in the group; a restarted watcher with the same name
            finds its unfinished entries at once. Several watchers need different names.
        reclaim_after_s: an entry idle this long in another consumer's hands is taken over.
    """

    def __init__(self, url: str, stream: str, *, group: str = "callaudit", consumer: str | None = None,
                 reclaim_after_s: float = 300.0):
        import redis

        self.client = redis.Redis.from_url(url, decode_responses=True, socket_timeout=None,
                                           health_check_interval=30)
        self.url, self.stream, self.group = url, stream, group
        self.consumer = consumer or socket.gethostname()
        self.reclaim_after_ms = int(reclaim_after_s * 1000)
        self._autoclaim_cursor = "0-0"

    def setup(self) -> None:
        import redis

        try:
            self.client.xgroup_create(self.stream, self.group, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def _deliveries(self, entry_id: str) -> int:
        pending = self.client.xpending_range(self.stream, self.group, min=entry_id, max=entry_id, count=1)
        return int(pending[0]["times_delivered"]) if pending else 1

    def next(self, block_s: float = 0.0) -> Entry | None:
        """The next entry for this consumer: its own unfinished one first (after a restart),
        then one another consumer left idle too long, then a new one (waiting up to ``block_s``)."""
        mine = self.client.xreadgroup(self.group, self.consumer, {self.stream: "0"}, count=1)
        for _stream, entries in mine or []:
            for entry_id, fields in entries:
                if fields is None:  # deleted from the stream while pending: nothing to audit
                    self.client.xack(self.stream, self.group, entry_id)
                    continue
                return Entry(entry_id, fields, self._deliveries(entry_id))
        cursor, claimed, _deleted = self.client.xautoclaim(self.stream, self.group, self.consumer,
                                                           self.reclaim_after_ms, self._autoclaim_cursor, count=1)[:3]
        self._autoclaim_cursor = cursor or "0-0"
        for entry_id, fields in claimed:
            if fields is None:
                self.client.xack(self.stream, self.group, entry_id)
                continue
            log.warning("stream %s: took over entry %s left idle by another watcher", self.stream, entry_id)
            return Entry(entry_id, fields, self._deliveries(entry_id))
        new = self.client.xreadgroup(self.group, self.consumer, {self.stream: ">"}, count=1,
                                     block=int(block_s * 1000) if block_s > 0 else None)
        for _stream, entries in new or []:
            for entry_id, fields in entries:
                return Entry(entry_id, fields or {}, 1)
        return None

    def ack(self, entry: Entry) -> None:
        self.client.xack(self.stream, self.group, entry.id)

    def fail(self, entry: Entry, reason: str) -> None:
        """Copy the entry with its reason to ``<stream>:failed``, then acknowledge it."""
        self.client.xadd(self.stream + FAILED_STREAM_SUFFIX,
                         {"id": entry.id, "row": entry.fields.get("row", ""), "reason": reason[:4000],
                          "consumer": self.consumer})
        self.ack(entry)

    def touch(self, entry: Entry) -> None:
        """Reset the entry's idle time: this watcher is alive and working on it."""
        self.client.xclaim(self.stream, self.group, self.consumer, 0, [entry.id], idle=0, justid=True)

    def release(self, entry: Entry) -> None:
        """Hand an unfinished entry back: any watcher may take it over at once."""
        self.client.xclaim(self.stream, self.group, self.consumer, 0, [entry.id],
                           idle=self.reclaim_after_ms + 1000, justid=True)

    @contextmanager
    def holding(self, entry: Entry) -> Iterator[None]:
        """Keep ``entry`` fresh (see :meth:`touch`) while the block runs."""
        stop = threading.Event()
        every = max(0.5, self.reclaim_after_ms / 3000)

        def beat() -> None:
            while not stop.wait(every):
                try:
                    self.touch(entry)
                except Exception as exc:  # noqa: BLE001 - Redis away for a moment: the next beat retries
                    log.warning("stream %s: cannot refresh entry %s: %s", self.stream, entry.id, exc)

        thread = threading.Thread(target=beat, name="stream-keepalive", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()

    def counts(self) -> dict[str, Any]:
        """Pending entries of the group and entries not yet delivered (for the health line)."""
        try:
            groups = {g["name"]: g for g in self.client.xinfo_groups(self.stream)}
            group = groups.get(self.group, {})
            return {"pending": group.get("pending"), "lag": group.get("lag")}
        except Exception as exc:  # noqa: BLE001 - health is best effort
            return {"error": str(exc)}


def row_from_entry(entry: Entry) -> dict[str, str]:
    """The manifest row an entry carries; ``ValueError`` with the reason when it carries none."""
    raw = entry.fields.get("row")
    if raw is None:
        raise ValueError(f"stream entry {entry.id} has no field 'row' (fields: {', '.join(entry.fields) or 'none'}); "
                         "put the manifest row as a JSON object in field 'row'")
    try:
        row = json.loads(raw)
    except ValueError as exc:
        raise ValueError(f"stream entry {entry.id}: field 'row' is not JSON ({exc})") from None
    if not isinstance(row, dict) or not row:
        raise ValueError(f"stream entry {entry.id}: field 'row' must be a JSON object of manifest columns")
    out = {}
    for key, value in row.items():
        if isinstance(value, (dict, list)):
            raise ValueError(f"stream entry {entry.id}: column {key!r} holds a {type(value).__name__}; "
                             "write plain values")
        out[str(key)] = "" if value is None else str(value)
    return out
