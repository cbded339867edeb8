"""Review actions: transitions, permissions, audit log, re-scoring; SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from audit import models
from audit.read.contacts import finding_in_scope
from audit.read.overview import overview_kpis
from audit.read.review import detector_hits, review_history, review_queue, rule_hits
from audit.read.scope import Filters, Scope
from audit.review import ReviewError, allowed_actions, apply_review, review_log_count
from audit.storage import make_engine, session
from tests.factories import seed


@pytest.fixture
def db(engine):
    seed(engine)
    return engine


def finding_id(engine, call_id: str, rule_id: str) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(models.Finding.id).where(
            models.Finding.call_id == call_id, models.Finding.rule_id == rule_id)).scalar_one()


def contact(engine, call_id: str) -> models.Contact:
    with session(engine) as s:
        return s.get(models.Contact, call_id)


def test_confirm_writes_log_and_rescores(db):
    fid = finding_id(db, "t-002", "ABUSE-INSULT")
    result = apply_review(db, fid, "confirm", user="wang", role="supervisor")
    assert (result.before, result.after) == ("open", "confirmed")
    # t-002: high (25) + critical (50) still counted -> 25, failed by the critical finding
    assert (result.score, result.passed) == (25.0, False)
    c = contact(db, "t-002")
    assert (c.score, c.passed) == (25.0, False)
    log = review_history(db, Scope(), call_id="t-002")
    assert [(r.user, r.action, r.before, r.after, r.finding_id) for r in log] == [
        ("wang", "confirm", "open", "confirmed", fid)]


def test_dismissing_the_critical_finding_passes_the_contact(db):
    fid = finding_id(db, "t-002", "THREAT-CONTACTS")
    with pytest.raises(ReviewError, match="dismiss needs a reason"):
        apply_review(db, fid, "dismiss", user="wang", role="supervisor", reason="  ")
    result = apply_review(db, fid, "dismiss", user="wang", role="supervisor", reason="说的是依法通知，不是威胁")
    assert (result.score, result.passed) == (75.0, True)
    assert overview_kpis(db, Scope(), Filters()).findings == 6
    rows = {r.rule_id: r for r in rule_hits(db, Scope(), Filters())}
    assert rows["THREAT-CONTACTS"].dismissed_share == 1.0
    # reopening counts it again
    back = apply_review(db, fid, "reopen", user="li", role="team_lead")
    assert (back.after, back.score, back.passed) == ("open", 25.0, False)
    assert review_log_count(db, fid) == 2


@pytest.mark.parametrize("role, status, actions", [
    ("supervisor", "open", ["confirm", "dismiss", "appeal"]),
    ("admin", "confirmed", ["dismiss", "appeal", "reopen"]),
    ("team_lead", "open", ["confirm", "dismiss"]),
    ("team_lead", "appealed", ["confirm", "dismiss", "reopen"]),
    ("agent", "confirmed", ["appeal"]),
    ("agent", "dismissed", []),
    ("nobody", "open", []),
])
def test_allowed_actions(role, status, actions):
    assert allowed_actions(role, status) == actions


@pytest.mark.parametrize("kwargs, message", [
    (dict(action="delete", user="x"), "unknown review action 'delete'"),
    (dict(action="confirm", user="A017", role="agent"), "role 'agent' may not confirm"),
    (dict(action="appeal", user="A017", role="agent"), "appeal needs a reason"),
    (dict(action="reopen", user="x", role="supervisor"), "cannot reopen finding .* it is 'open'"),
    (dict(action="confirm", user="x", role="supervisor", expected_status="confirmed"), "someone reviewed it meanwhile"),
    (dict(action="confirm", user="li", role="team_lead", scope=Scope(team="一组")), "not found"),
    (dict(action="appeal", user="A017", role="agent", reason="不是我", scope=Scope(agent_id="A017")), "not found"),
])
def test_refused_actions_change_nothing(db, kwargs, message):
    fid = finding_id(db, "t-002", "ABUSE-INSULT")
    kwargs = dict(kwargs)
    action = kwargs.pop("action")
    with pytest.raises(ReviewError, match=message):
        apply_review(db, fid, action, **kwargs)
    assert review_log_count(db, fid) == 0
    assert finding_in_scope(db, Scope(), fid).review_status == "open"  # untouched


def test_agent_appeal_of_own_contact(db):
    fid = finding_id(db, "t-002", "ABUSE-INSULT")
    result = apply_review(db, fid, "appeal", user="B203", role="agent", scope=Scope(agent_id="B203"),
                          reason="客户先辱骂我")
    assert result.after == "appealed"
    queue = review_queue(db, Scope(), Filters())
    assert fid in [i.finding_id for i in queue]


def test_review_survives_restart_and_reaches_scorecards(db, db_url):
    from datetime import date

    from audit.scorecards import agent_scorecards

    fid = finding_id(db, "t-002", "THREAT-CONTACTS")
    apply_review(db, fid, "dismiss", user="wang", role="supervisor", reason="误报")
    db.dispose()
    fresh = make_engine(db_url)  # a new process would do the same
    try:
        assert finding_in_scope(fresh, Scope(), fid).review_status == "dismissed"
        assert [r.action for r in review_history(fresh, Scope())] == ["dismiss"]
        card = next(c for c in agent_scorecards(fresh, date(2026, 11, 1), date(2026, 11, 30)) if c.agent_id == "B203")
        assert card.dismissed == 1 and card.critical_findings == 0
    finally:
        fresh.dispose()


def _add_suspected(engine, call_id: str = "t-002") -> int:
    """A finding the learned model only suspects, as the batch stores it."""
    from audit.review import rescore_contact

    with session(engine) as s:
        row = models.Finding(call_id=call_id, rule_id="ML-ABUSE", category="ABUSE", severity="high",
                             speaker="agent", role="agent", start=9.0, end=10.0, evidence="（合成测试句）",
                             details={"probability": 0.55, "suspected": True}, detector="model", confidence=0.55,
                             review_status="suspected")
        s.add(row)
        s.flush()
        rescore_contact(s, call_id)
        s.commit()
        return row.id


def test_suspected_findings_wait_for_review_and_do_not_count(db):
    before = contact(db, "t-002")
    fid = _add_suspected(db)
    after = contact(db, "t-002")
    assert (after.score, after.passed, after.finding_count) == (before.score, before.passed, before.finding_count)
    queue = {i.finding_id: i for i in review_queue(db, Scope(), Filters())}
    assert (queue[fid].review_status, queue[fid].detector, queue[fid].confidence) == ("suspected", "model", 0.55)
    detectors = {d.detector: d for d in detector_hits(db, Scope(), Filters())}
    assert (detectors["model"].hits, detectors["model"].suspected) == (1, 1)
    assert allowed_actions("supervisor", "suspected") == ["confirm", "dismiss"]
    assert allowed_actions("agent", "suspected") == []  # nothing to appeal: it does not count
    # confirming makes it count (high: -25) …
    result = apply_review(db, fid, "confirm", user="wang", role="supervisor")
    assert (result.before, result.after, result.score) == ("suspected", "confirmed", before.score - 25)
    assert contact(db, "t-002").finding_count == before.finding_count + 1
    # … and reopening puts it back among the suspicions, not among the open findings
    back = apply_review(db, fid, "reopen", user="wang", role="supervisor")
    assert (back.after, back.score) == ("suspected", before.score)
    gone = apply_review(db, fid, "dismiss", user="wang", role="supervisor", reason="说的是别的事")
    assert (gone.before, gone.after, gone.score) == ("suspected", "dismissed", before.score)
