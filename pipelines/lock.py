"""A lock so that two nightly runs never audit the same day at once.

On PostgreSQL it is a session-level advisory lock (it holds across machines sharing the
database); on SQLite an exclusive ``flock`` on a file beside the database. Either is released
when the process ends, even by SIGKILL, so a crashed run never blocks the next night.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


class LockBusy(RuntimeError):
    """Another run holds the lock."""


class RunLock:
    def __init__(self, db_url: str, key: str):
        self.db_url, self.key = db_url, key
        self._conn = None
        self._file = None
        self._id = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)

    def __enter__(self) -> "RunLock":
        url = make_url(self.db_url)
        if url.get_backend_name() == "postgresql":
            self._engine = create_engine(self.db_url, poolclass=None)
            self._conn = self._engine.connect()
            if not self._conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self._id}).scalar():
                self._conn.close()
                raise LockBusy(f"another run is auditing {self.key} (PostgreSQL advisory lock held)")
            return self
        base = Path(url.database).resolve().parent if url.database and url.database != ":memory:" else Path.cwd()
        path = base / f".audit-lock-{abs(self._id):x}"
        self._file = open(path, "a+")
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._file.close()
            raise LockBusy(f"another run is auditing {self.key} (lock file {path} held)") from None
        self._file.seek(0)
        self._file.truncate()
        self._file.write(f"{os.getpid()} {self.key}\n")
        self._file.flush()
        return self

    def __exit__(self, *exc) -> None:
        if self._conn is not None:
            self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self._id})
            self._conn.close()
            self._engine.dispose()
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
