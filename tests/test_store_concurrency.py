"""Two batches storing contacts of the same new case and agent into one database at the same
moment: both succeed, and each agent, case and contact is stored once (on SQLite and on the
real PostgreSQL server)."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from audit import models
from audit.schema import Contact
from audit.storage import session
from audit.store import save_audit

CST = timezone(timedelta(hours=8))


def contact(call_id: str, **changes) -> Contact:
    fields = dict(call_id=call_id, kind="call", started_at=datetime(2026, 11, 4, 10, 0, tzinfo=CST), talk_seconds=30,
                  outcome="answered", agent_id="A900", agent_name="新人", team="三组", agency="外包甲",
                  creditor="招商银行", product="credit_card", case_id="C-NEW", debtor_id="D-NEW")
    return Contact(**{**fields, **changes})


def store(s, c: Contact) -> None:
    save_audit(s, c, None, [], rule_pack_version="v1", audio_path=None, audio_sha256=None, run_id=None)


def wait_until_blocked(engine, seconds: float = 10.0) -> bool:
    """Wait until another transaction waits on a row lock (PostgreSQL); SQLite cannot tell, so
    give the other thread time to read and then queue for the write lock."""
    if engine.dialect.name != "postgresql":
        time.sleep(1.0)
        return True
    deadline = time.monotonic() + seconds
    with engine.connect() as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute(sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'")).scalar()
            conn.rollback()
            if waiting:
                return True
            time.sleep(0.05)
    return False


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {table: conn.execute(sa.text(f'SELECT count(*) FROM "{table}"')).scalar()
                for table in ("agent", "case", "contact")}


@pytest.mark.parametrize("new", ["agent and case", "case"])
def test_two_batches_store_one_new_case_and_agent_at_once(engine, new):
    if new == "case":  # the agent is known from an earlier night; only the case is new (the report)
        with session(engine) as s:
            store(s, contact("old-1", case_id="C-OLD"))
            s.commit()
    first = session(engine)
    store(first, contact("n-1"))  # uncommitted: the new agent, case and contact are this batch's alone
    errors: list[BaseException] = []

    def second_batch():
        try:
            with session(engine) as s:
                store(s, contact("n-2", agent_name="新人二号"))  # same agent and case, another call
                store(s, contact("n-1", agent_name="新人二号"))  # and the very same contact (two runs of one manifest)
                s.commit()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    other = threading.Thread(target=second_batch)
    other.start()
    try:
        # The second batch has looked for the agent and found nothing yet; now it must wait.
        assert wait_until_blocked(engine), "the second batch never waited for the first one"
        first.commit()
    finally:
        first.close()
        other.join(timeout=60)
    assert not other.is_alive()
    assert errors == [], f"the second batch died: {errors[0]!r}" if errors else ""
    assert counts(engine) == ({"agent": 1, "case": 1, "contact": 2} if new == "agent and case"
                              else {"agent": 1, "case": 2, "contact": 3})
    with session(engine) as s:
        assert s.get(models.Agent, "A900").name == "新人二号"  # the later log row still updates the agent
        assert s.get(models.Contact, "n-2").case_id == "C-NEW"
        assert s.get(models.Contact, "n-1").status == "no_recording"
