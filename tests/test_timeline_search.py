"""The debtor timeline's queries and the ASR-tolerant transcript search, on SQLite and PostgreSQL,
against the hand-made data set of tests/factories (plus phone numbers and a second debtor)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from audit import models
from audit.read.contacts import list_contacts, search_transcripts
from audit.read.scope import Filters, Scope
from audit.read.timeline import debtor_timeline, find_debtors
from audit.search import find, query_key, sound_key
from audit.storage import session
from tests.factories import seed

CST = timezone(timedelta(hours=8))


@pytest.fixture
def db(engine):
    """The factory data; t-001, t-004 and t-006 (all A017's) become calls to one debtor D-1 on case
    C-1, and t-003 (A021, same team) a call to D-1 on case C-2; t-001 dialled 13812345678."""
    seed(engine)
    with engine.begin() as conn:
        C = models.Contact.__table__.c
        conn.execute(sa.update(models.Contact.__table__).where(C.call_id.in_(["t-001", "t-004", "t-006"]))
                     .values(debtor_id="D-1", case_id=None))
        conn.execute(
            sa.update(models.Contact.__table__).where(C.call_id == "t-001").values(phone="13812345678")
        )
        conn.execute(sa.update(models.Contact.__table__).where(C.call_id == "t-003")
                     .values(debtor_id="D-1", phone="13987654321"))
    with session(engine) as s:
        s.add_all([models.Case(case_id="C-1", debtor_id="D-1"), models.Case(case_id="C-2", debtor_id="D-1")])
        s.commit()
    with engine.begin() as conn:
        C = models.Contact.__table__.c
        conn.execute(sa.update(models.Contact.__table__).where(C.call_id.in_(["t-001", "t-004", "t-006"]))
                     .values(case_id="C-1"))
        conn.execute(sa.update(models.Contact.__table__).where(C.call_id == "t-003").values(case_id="C-2"))
    return engine


def ids(rows) -> list[str]:
    return [r.call_id for r in rows]


def test_timeline_of_a_debtor_across_agents_oldest_first(db):
    rows = debtor_timeline(db, Scope(), debtor_id="D-1")
    assert ids(rows) == [
        "t-001",
        "t-004",
        "t-003",
        "t-006",
    ]  # 11-02 10:15, 11-03 09:30, 11-04 00:10, 11-04 09:05
    assert rows[0].started_at == datetime(2026, 11, 2, 10, 15, tzinfo=CST)
    assert {r.agent_id for r in rows} == {"A017", "A021"}
    t003 = rows[2]
    assert [(f.rule_id, f.review_status) for f in t003.findings] == [("PAY-PERSONAL", "confirmed"),
                                                                      ("TIME-QUIET", "open")]
    t004 = rows[1]
    assert [(f.rule_id, f.review_status) for f in t004.findings] == [("LEGAL-FALSE", "dismissed")]


def test_timeline_is_ordered_by_time_not_by_id(db):
    rows = debtor_timeline(db, Scope(), debtor_id="D-1")
    assert [r.started_at for r in rows] == sorted(r.started_at for r in rows)


@pytest.mark.parametrize("scope, expected", [
    (Scope(), ["t-001", "t-004", "t-006"]),
    (Scope(team="一组"), ["t-001", "t-004", "t-006"]),
    (Scope(agent_id="A017"), ["t-001", "t-004", "t-006"]),
    (Scope(agent_id="A021"), []),  # another agent's case
    (Scope(team="网贷二组"), []),
])
def test_timeline_by_case_follows_scope(db, scope, expected):
    assert ids(debtor_timeline(db, scope, case_id="C-1")) == expected


def test_timeline_needs_one_key(db):
    with pytest.raises(ValueError):
        debtor_timeline(db, Scope())
    with pytest.raises(ValueError):
        debtor_timeline(db, Scope(), debtor_id="D-1", case_id="C-1")


@pytest.mark.parametrize("query, by, masked, scope, debtors", [
    ("D-1", "debtor", False, Scope(), ["D-1"]),
    ("C-2", "case", False, Scope(), ["D-1"]),
    ("C-2", "case", False, Scope(agent_id="A017"), []),  # t-003 is A021's: nothing of it shows
    ("13812345678", "phone", False, Scope(), ["D-1"]),
    ("+86 138-1234-5678", "phone", False, Scope(), ["D-1"]),
    ("138****5678", "phone", True, Scope(), ["D-1"]),  # as a viewer without see_pii sees it
    ("13812345678", "phone", True, Scope(), ["D-1"]),  # a full number is masked first
    ("138****0000", "phone", True, Scope(), []),
    ("1381234", "phone", True, Scope(), []),  # a masked viewer cannot search a partial clear number
    ("D-9", "debtor", False, Scope(), []),
])
def test_find_debtors(db, query, by, masked, scope, debtors):
    found = find_debtors(db, scope, query, by=by, masked=masked)
    assert [d.debtor_id for d in found] == debtors
    if found and scope == Scope():
        assert found[0].case_ids == ("C-1", "C-2") and found[0].contacts == 4


def test_find_debtors_by_phone_cannot_tell_masked_digits_apart(db):
    """Two numbers with the same masked form are one search for a masked viewer: it cannot tell
    which middle digits are right."""
    with db.begin() as conn:
        C = models.Contact.__table__.c
        conn.execute(
            sa.update(models.Contact.__table__).where(C.call_id == "t-002").values(phone="13800005678")
        )
    found = find_debtors(db, Scope(), "13899995678", by="phone", masked=True)
    assert sorted(d.debtor_id for d in found) == ["D-1", "D-t-002"]
    assert find_debtors(db, Scope(), "13899995678", by="phone", masked=False) == []


# ----------------------------------------------------------------------------- search by sound


def test_sound_keys_match_homophones():
    assert query_key("通讯录") == query_key("通信路") != query_key("通话")
    assert query_key("通") is None  # one syllable matches by sound almost everywhere
    assert query_key("通讯录") in sound_key("我就把你欠钱的事发给你通信路里所有人")


def test_find_locates_matches_in_the_text_as_written():
    line = "今天不还，我就把你欠钱的事发给你通信路里所有人。"
    [m] = find(line, "通讯录")
    assert line[m.start:m.end] == "通信路" and m.via == "sound"
    [m] = find("你这种老赖，說的話", "老赖")
    assert (m.start, m.end, m.via) == (3, 5, "text")
    assert [(m.start, m.end) for m in find("老、赖", "老赖")] == [(0, 3)]  # punctuation inside a match is kept


def test_transcript_search_finds_what_the_asr_misheard(db):
    with db.begin() as conn:  # the ASR wrote 通信路 for 通讯录 in t-002
        S = models.Segment.__table__.c
        conn.execute(sa.update(models.Segment.__table__).where(S.call_id == "t-002", S.idx == 3)
                     .values(text="今天不还，我就把你欠钱的事发给你通信路里所有人。",
                             sound=sound_key("今天不还，我就把你欠钱的事发给你通信路里所有人。")))
    hits = search_transcripts(db, Scope(), Filters(), "通讯录")
    assert [(h.call_id, h.idx) for h in hits] == [("t-002", 3)]
    assert ids(list_contacts(db, Scope(), Filters(), search="通讯录").rows) == ["t-002"]
    assert search_transcripts(db, Scope(agent_id="A017"), Filters(), "通讯录") == []  # scope holds


def test_lines_get_their_sound_key_on_insert(db):
    with db.connect() as conn:
        S = models.Segment.__table__.c
        text, sound = conn.execute(sa.select(S.text, S.sound).where(S.call_id == "t-002", S.idx == 2)).one()
    assert sound == sound_key(text) and " lao la " in sound


def test_masked_viewers_cannot_reach_masked_digits_by_sound(db):
    """t-005's 幺三九零零零零一二三四 is masked for a viewer without see_pii; a query that only
    sounds like its digits (伞久玲 ~ 三九零) finds it for a see_pii viewer, never for a masked one."""
    assert ids(list_contacts(db, Scope(), Filters(), search="伞久玲", masked=False).rows) == ["t-005"]
    assert ids(list_contacts(db, Scope(), Filters(), search="伞久玲", masked=True).rows) == []
    assert search_transcripts(db, Scope(), Filters(), "伞久玲", masked=True) == []
    assert ids(list_contacts(db, Scope(), Filters(), search="尽快连喜", masked=True).rows) == ["t-005"]  # 尽快联系
