"""A visit's other collectors' names (``visit_staff`` ids) come from what the log already knows."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from audit import models
from audit.schema import Contact
from audit.storage import session
from pipelines.batch.plan import with_staff_names
from pipelines.vocabulary import call_vocabulary

CST = timezone(timedelta(hours=8))


def row(call_id: str, agent_id: str, agent_name: str = "", staff: tuple[str, ...] = ()) -> Contact:
    return Contact(call_id=call_id, kind="visit" if staff else "call", started_at=datetime(2027, 7, 13, 10, tzinfo=CST),
                   talk_seconds=50, outcome="answered", agent_id=agent_id, agent_name=agent_name,
                   visit_staff=len(staff) or None, visit_staff_ids=staff)


def test_the_other_collectors_names_come_from_the_store_and_this_manifest(sqlite_url):
    from audit.storage import init_db, make_engine

    engine = make_engine(sqlite_url)
    init_db(engine)
    with session(engine) as s:  # audited in an earlier batch (an enrollment call)
        s.add(models.Agent(agent_id="X701", name="宋佳怡"))
        s.add(models.Agent(agent_id="X705", name="孔德明旧"))
        s.add(models.Agent(agent_id="X709", name=""))
        s.commit()
    contacts = [
        row("h5-001", "X703", "田晓峰", ("X703", "X701", "X708", "X709")),  # X708, X709: nobody named them
        row("e5-09", "X705", "孔德明"),  # this manifest's row is newer than the store
        row("h5-004", "X706", "任小燕", ("X706", "X705")),
        row("e5-01", "X701", "宋佳怡"),
    ]
    filled = with_staff_names(engine, contacts)
    assert [c.visit_staff_names for c in filled] == [("宋佳怡",), (), ("孔德明",), ()]
    assert call_vocabulary(filled[0]).people == ["田晓峰", "宋佳怡"]
    engine.dispose()


def test_no_listed_ids_no_query(sqlite_url):
    contacts = [row("c1", "A1", "李娜")]
    assert with_staff_names(object(), contacts) is contacts  # an engine is not even touched
