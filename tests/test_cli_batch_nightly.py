"""`audit nightly`: one folder per day, and a lock so that two runs never audit the same day at
once (PostgreSQL advisory lock, or a lock file beside a SQLite database)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from datetime import date, timedelta

import pytest

from audit.storage import database_url
from pipelines.lock import LockBusy, RunLock
from tests.pipelines.test_batch import make_batch

DAY = "2026-11-08"
DIALS = ["dial-7950-1", "dial-7950-2"]  # no recordings: the batch itself takes a second


def nightly(root, db, *extra, timeout=300):
    return subprocess.run([sys.executable, "-m", "audit.cli", "nightly", "--root", str(root), "--db", db, *extra],
                          capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture
def root(tmp_path, corpus_dir):
    base = tmp_path / "recordings"
    for day in (DAY, "2026-11-09"):
        make_batch(base / day, corpus_dir, DIALS)
    return base


def test_a_second_run_of_the_same_day_exits_3_while_the_first_holds_the_lock(root, db_url):
    with RunLock(database_url(db_url), f"nightly:{DAY}"):
        busy = nightly(root, db_url, "--date", DAY)
        assert busy.returncode == 3, busy.stdout + busy.stderr
        assert f"error: another run is auditing nightly:{DAY}" in busy.stderr
        assert "wait for it to finish" in busy.stderr
        # another day is another lock
        other = nightly(root, db_url, "--date", "2026-11-09")
        assert other.returncode == 0, other.stdout + other.stderr
    done = nightly(root, db_url, "--date", DAY)
    assert done.returncode == 0 and "2 without recording" in done.stdout, done.stdout + done.stderr


def test_a_killed_holder_never_blocks_the_next_night(root, db_url, tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from pipelines.lock import RunLock
        with RunLock({database_url(db_url)!r}, "nightly:{DAY}"):
            print("locked", flush=True)
            time.sleep(600)
        """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert nightly(root, db_url, "--date", DAY).returncode == 3
    finally:
        holder.kill()
        holder.wait()
    for _ in range(50):  # PostgreSQL notices the closed socket within moments
        result = nightly(root, db_url, "--date", DAY)
        if result.returncode != 3:
            break
        time.sleep(0.2)
    assert result.returncode == 0, result.stdout + result.stderr


def test_lock_in_process(sqlite_url):
    url = database_url(sqlite_url)
    with RunLock(url, "nightly:a"):
        with pytest.raises(LockBusy, match=r"nightly:a \(lock file .* held by pid \d+\)"):
            with RunLock(url, "nightly:a"):
                pass
        with RunLock(url, "nightly:b"):
            pass
    with RunLock(url, "nightly:a"):  # released on exit, reusable
        pass


@pytest.mark.parametrize("args, message", [
    (["--date", "2026-02-30"], "is not YYYY-MM-DD"),
    (["--date", "2026-11-07"], "does not exist; nothing recorded for 2026-11-07"),
    ([], f"does not exist; nothing recorded for {(date.today() - timedelta(days=1)).isoformat()}"),
])
def test_the_day_folder_must_exist(root, sqlite_url, args, message):
    result = nightly(root, sqlite_url, *args)
    assert result.returncode == 2 and message in result.stderr
