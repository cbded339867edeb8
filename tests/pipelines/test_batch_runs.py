"""Run records never stay ``running`` after their run: a run that raises ends ``failed`` with
the error, and a run whose process died (SIGKILL, power cut) is marked ``interrupted`` by the
next batch, with the reason. On SQLite and PostgreSQL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from audit import models
from audit.storage import session as open_session
from audit.store import mark_stale_runs, save_failure
from pipelines.batch import run_batch
from tests.pipelines.test_batch import TruthExecutor, make_batch
from tests.test_store_concurrency import contact

HOST = socket.gethostname()


def dead_pid() -> int:
    """The pid of a process that has just ended."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def add_run(engine, *, ago: timedelta = timedelta(0), **options) -> int:
    with open_session(engine) as session:
        run = models.AuditRun(input_dir="/in", started_at=datetime.now(UTC) - ago, options=options)
        session.add(run)
        session.commit()
        return run.id


def runs(engine) -> dict[int, models.AuditRun]:
    with open_session(engine) as session:
        return {r.id: r for r in session.exec(select(models.AuditRun)).scalars()}


def test_the_next_batch_marks_runs_whose_process_is_gone(engine, tmp_path, corpus_dir):
    killed = add_run(engine, pid=dead_pid(), host=HOST)
    going = add_run(engine, pid=os.getpid(), host=HOST)  # this very process: still going
    reused = add_run(engine, ago=timedelta(days=2), pid=os.getpid(), host=HOST)  # pid now someone else's
    elsewhere_quiet = add_run(engine, ago=timedelta(hours=7), pid=4242, host="other-box")
    elsewhere_busy = add_run(engine, ago=timedelta(hours=1), pid=4242, host="other-box")
    old_record = add_run(engine, ago=timedelta(hours=7), pid=4242)  # written before hosts were recorded

    batch = make_batch(tmp_path / "in", corpus_dir, ["dial-7950-1"])
    summary = run_batch(engine, batch, executor=TruthExecutor(corpus_dir))

    after = runs(engine)
    assert {i: after[i].status for i in (killed, going, reused, elsewhere_quiet, elsewhere_busy, old_record)} == {
        killed: "interrupted", going: "running", reused: "interrupted", elsewhere_quiet: "interrupted",
        elsewhere_busy: "running", old_record: "interrupted"}
    assert "ended without finishing the run" in after[killed].options["reason"]
    assert after[killed].ended_at is not None and after[killed].options["host"] == HOST
    assert "on other-box: no progress since" in after[elsewhere_quiet].options["reason"]
    assert "host not recorded" in after[old_record].options["reason"]
    this = after[summary.run_id]  # and the new run records where it runs
    assert this.status == "ok" and this.options["pid"] == os.getpid() and this.options["host"] == HOST


def test_a_run_elsewhere_that_still_stores_contacts_is_not_stale(engine):
    run_id = add_run(engine, ago=timedelta(hours=10), pid=4242, host="other-box")
    with open_session(engine) as session:
        save_failure(session, contact("p-1"), "cannot decode", audio_path=None, run_id=run_id)
        session.get(models.Contact, "p-1").audited_at = datetime.now(UTC) - timedelta(hours=1)
        session.commit()
        now = datetime.now(UTC)
        assert mark_stale_runs(session, now=now) == []
        assert mark_stale_runs(session, now=now + timedelta(hours=6)) == [run_id]  # then it went quiet
    assert runs(engine)[run_id].status == "interrupted"


def test_a_run_that_raises_ends_failed_with_the_error(engine, tmp_path, corpus_dir, monkeypatch):
    def broken_store(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("pipelines.batch.run.save_audit", broken_store)
    batch = make_batch(tmp_path / "in", corpus_dir, ["dial-7950-1"])
    with pytest.raises(RuntimeError, match="disk full"):
        run_batch(engine, batch, executor=TruthExecutor(corpus_dir))
    (run,) = runs(engine).values()
    assert run.status == "failed" and run.ended_at is not None
    assert run.options["reason"] == "RuntimeError: disk full"
