"""A lock so that two nightly runs never audit the same day at once.

On PostgreSQL it is a session-level advisory lock (it holds across machines sharing the
database); on SQLite an exclusive ``flock`` on a file beside the database (it holds across the
processes of one machine, which is all a SQLite file allows anyway). Either is released when
the holding process ends, even by SIGKILL - the kernel closes the file and the socket, and
PostgreSQL drops a session's advisory locks with the session - so a crashed run never blocks
the next night. The lock does not wait: a second run fails at once with :class:`LockBusy`.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from audit.storage import make_engine

log = logging.getLogger(__name__)


class LockBusy(RuntimeError):
    """Another run holds the lock; the message says which lock and how to find the holder."""


def lock_id(key: str) -> int:
    """The signed 64-bit advisory-lock number of ``key`` (stable across machines and runs)."""
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big", signed=True)


class RunLock:
    """Context manager: hold the lock named ``key`` for the database at ``db_url``.

    Example:
        >>> with RunLock("sqlite:///audit.db", "nightly:2026-11-02"):
        ...     run_batch(...)

    Raises:
        LockBusy: on entry, when another process holds the same key.
    """

    def __init__(self, db_url: str, key: str):
        self.db_url, self.key = db_url, key
        self._id = lock_id(key)
        self._engine = None
        self._conn = None
        self._file = None

    @property
    def path(self) -> Path:
        """The lock file used for a non-PostgreSQL database (beside the database file)."""
        url = make_url(self.db_url)
        base = (Path(url.database).expanduser().resolve().parent
                if url.database and url.database != ":memory:" else Path.cwd())
        return base / f".audit-lock-{self._id & 0xFFFFFFFFFFFFFFFF:016x}"

    def __enter__(self) -> RunLock:
        if make_url(self.db_url).get_backend_name() == "postgresql":
            # through audit.storage: an unreachable server is a DatabaseUnavailable, in one line
            self._engine = make_engine(self.db_url, poolclass=NullPool)
            self._conn = self._engine.connect()
            got = self._conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self._id}).scalar()
            self._conn.commit()  # no transaction left open for the whole night
            if not got:
                self._close_pg()
                raise LockBusy(f"another run is auditing {self.key} (PostgreSQL advisory lock {self._id} is "
                               "held; see pg_locks where locktype = 'advisory'); wait for it to finish")
            return self
        path = self.path
        self._file = open(path, "a+", encoding="utf-8")
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._file.seek(0)
            holder = (self._file.read().split() or ["unknown"])[0]
            self._file.close()
            self._file = None
            raise LockBusy(f"another run is auditing {self.key} (lock file {path} held by pid "
                           f"{holder}); wait for it to finish") from None
        self._file.seek(0)
        self._file.truncate()
        self._file.write(f"{os.getpid()} {self.key}\n")
        self._file.flush()
        return self

    def _close_pg(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def __exit__(self, *exc_info) -> None:
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self._id})
                self._conn.commit()
            except Exception as exc:  # noqa: BLE001 - a lost connection has released the lock already
                log.debug("releasing %s: %s", self.key, exc)
            self._close_pg()
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
