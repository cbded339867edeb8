"""Intake from an inbox folder: complete manifest fragments, each claimed with a ``flock``.

A dialer drops recordings into INBOX and then a fragment, a ``*.csv`` renamed into place when
complete; only names ending in ``.csv`` are taken. The fragment itself is the lock: a watcher
holds an exclusive ``flock`` on it while auditing it, and the kernel drops the lock of a watcher
that dies. Audited fragments go to ``INBOX/done/``, failed ones to ``INBOX/failed/`` with their
reason (see :mod:`pipelines.watch`).
"""

from __future__ import annotations

import errno
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

DONE, FAILED, STATE = "done", "failed", ".watch"


def fragments(inbox: Path) -> list[Path]:
    """Complete fragments waiting in ``inbox`` (``*.csv`` plain files), oldest first."""
    found = []
    with os.scandir(inbox) as entries:
        for entry in entries:
            name = entry.name
            if name.endswith(".csv") and not name.startswith(".") and entry.is_file(follow_symlinks=False):
                try:
                    found.append((entry.stat(follow_symlinks=False).st_mtime, entry.name))
                except FileNotFoundError:  # taken by another watcher meanwhile
                    continue
    return [inbox / name for _, name in sorted(found)]


@contextmanager
def claim(path: Path) -> Iterator[bool]:
    """Hold an exclusive, non-blocking lock on the fragment ``path``; yields whether this
    process got it *and* the fragment is still there (another watcher may have finished it)."""
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    try:
        try:
            # read-write: on NFS an exclusive flock is a write lock, which needs a writable descriptor
            fd = os.open(path, os.O_RDWR | nofollow)
        except PermissionError:  # a read-only fragment: fine on a local disk
            fd = os.open(path, os.O_RDONLY | nofollow)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ELOOP):
            yield False
            return
        raise
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            still_here = os.stat(path, follow_symlinks=False).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            still_here = False
        yield still_here
    finally:
        os.close(fd)  # closing drops the lock


def free_name(folder: Path, name: str) -> Path:
    """``folder/name``, or a name with the time added when a fragment of that name is there."""
    target = folder / name
    if not target.exists() and not (folder / f"{name}.reason.txt").exists():
        return target
    stem, _, ext = name.rpartition(".")
    return folder / f"{stem}.{datetime.now():%Y%m%dT%H%M%S%f}.{ext}"
