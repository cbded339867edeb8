"""`audit batch` end to end with the real embedded model on short corpus recordings: killed with
SIGKILL mid-run and run again (every contact audited exactly once), a batch full of bad input
(each bad row reported with its reason, the rest audited), and the progress bar (on a terminal
only)."""

from __future__ import annotations

import fcntl
import os
import pty
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

from tests.pipelines.test_batch import BAD_ROWS, make_batch, make_faulty_batch

pytestmark = pytest.mark.slow

RECORDINGS = ["dev-014", "dev-008", "dev-012"]  # 15 s stereo call, 20 s visit, 23 s mono mp3


def audit_cmd(*args) -> list[str]:
    return [sys.executable, "-m", "audit.cli", *map(str, args)]


def query(db: Path, sql: str, *params):
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
        return conn.execute(sql, params).fetchall()


def run_on_terminal(cmd: list[str], timeout: float = 600) -> tuple[int, str, str]:
    """Run ``cmd`` with stderr on a pseudo-terminal (as in an interactive shell)."""
    master, slave = pty.openpty()
    # a terminal has a size; tqdm draws nothing on a 0-column one
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
    chunks: list[bytes] = []

    def drain():
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=slave, text=True)
    os.close(slave)
    out, _ = proc.communicate(timeout=timeout)
    reader.join(timeout=5)
    os.close(master)
    return proc.returncode, out, b"".join(chunks).decode("utf-8", "replace")


def test_killed_mid_run_then_rerun_audits_every_contact_exactly_once(tmp_path, corpus_dir):
    batch = make_batch(tmp_path / "in", corpus_dir, RECORDINGS)
    db = tmp_path / "audit.db"
    url = f"sqlite:///{db}"
    first = subprocess.Popen(audit_cmd("batch", batch, "--db", url), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 400
    committed: list[tuple] = []
    while time.monotonic() < deadline and first.poll() is None:
        if db.exists():
            try:
                committed = query(db, "SELECT call_id, run_id, audited_at FROM contact WHERE status = 'audited'")
            except sqlite3.OperationalError:  # schema not created yet
                committed = []
        if committed:
            break
        time.sleep(0.2)
    assert first.poll() is None, f"the first run ended before it could be killed:\n{first.communicate()}"
    assert committed, "no contact was committed within the time limit"
    os.killpg(first.pid, signal.SIGKILL)
    _out, err = first.communicate()
    assert first.returncode == -signal.SIGKILL
    assert "rec/s" not in err and "h audio" not in err, "progress bar drawn on a non-terminal stderr"
    # the killed run's record says how far it got (no end time: it never finished)
    killed_run = query(db, "SELECT id, status, ended_at, audited FROM audit_run")
    assert len(killed_run) == 1
    run_id, status, ended_at, audited = killed_run[0]
    committed = query(db, "SELECT call_id, run_id, audited_at FROM contact WHERE status = 'audited'")
    assert (status, ended_at, audited) == ("running", None, len(committed)) and len(committed) < len(RECORDINGS)

    code, out, terminal = run_on_terminal(audit_cmd("batch", batch, "--db", url))
    assert code == 0, out
    assert f"{len(RECORDINGS) - len(committed)} audited, {len(committed)} already audited (skipped)" in out
    # on a terminal the progress bar shows audio hours done and the speed
    assert "h audio" in terminal and "x real time" in terminal and "rec" in terminal

    contacts = query(db, "SELECT call_id, status, run_id, audited_at FROM contact ORDER BY call_id")
    assert [c[0] for c in contacts] == sorted(RECORDINGS) and {c[1] for c in contacts} == {"audited"}
    for call_id, first_run, audited_at in committed:  # committed before the kill: kept, not redone
        assert (call_id, "audited", first_run, audited_at) in contacts and first_run == run_id
    assert query(db, "SELECT call_id, idx, count(*) FROM segment GROUP BY call_id, idx HAVING count(*) > 1") == []
    assert query(db, "SELECT call_id, rule_id, start, \"end\", count(*) FROM finding "
                     "GROUP BY call_id, rule_id, start, \"end\" HAVING count(*) > 1") == []
    assert {r[0] for r in query(db, "SELECT DISTINCT call_id FROM segment")} == set(RECORDINGS)
    segments = query(db, "SELECT count(*) FROM segment")[0][0]
    findings = query(db, "SELECT count(*) FROM finding")[0][0]

    third = subprocess.run(audit_cmd("batch", batch, "--db", url), capture_output=True, text=True, timeout=300,
                           check=False)
    assert third.returncode == 0 and f"0 audited, {len(RECORDINGS)} already audited (skipped)" in third.stdout
    assert query(db, "SELECT count(*) FROM segment")[0][0] == segments
    assert query(db, "SELECT count(*) FROM finding")[0][0] == findings
    runs = query(db, "SELECT status, audited, skipped FROM audit_run ORDER BY id")
    # the killed run no longer claims to be running: the next batch saw its process was gone
    assert runs == [("interrupted", len(committed), 0),
                    ("ok", len(RECORDINGS) - len(committed), len(committed)), ("ok", 0, len(RECORDINGS))]
    reason, ended_at = query(db, "SELECT json_extract(options, '$.reason'), ended_at FROM audit_run WHERE id = ?",
                             run_id)[0]
    assert f"process {first.pid} on " in reason and "ended without finishing the run" in reason and ended_at


def test_bad_input_is_reported_row_by_row_and_the_rest_is_audited(tmp_path, corpus_dir):
    batch = make_faulty_batch(tmp_path / "in", corpus_dir)
    db = tmp_path / "audit.db"
    proc = subprocess.run(audit_cmd("batch", batch, "--db", f"sqlite:///{db}"), capture_output=True,
                          text=True, timeout=600, check=False)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    out = proc.stdout
    assert "1 audited, 0 already audited (skipped), 1 without recording, 8 failed" in out
    failed = out.split("failed:\n", 1)[1].splitlines()
    for call_id, _changes, reason in BAD_ROWS:
        assert any(call_id in line and reason in line for line in failed), (call_id, failed)
    assert any(line.strip().startswith("manifest line") and "(dev-014): duplicate call_id" in line
               for line in failed)
    assert query(db, "SELECT status FROM contact WHERE call_id = 'dev-014'") == [("audited",)]
    assert query(db, "SELECT count(*) FROM segment WHERE call_id = 'dev-014'")[0][0] > 0
    status, failures = query(db, "SELECT status, failures FROM audit_run")[0]
    assert status == "failed" and all(call_id in failures for call_id, _c, _r in BAD_ROWS)
