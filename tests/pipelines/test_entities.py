"""Entity accuracy: mentions found in the truth, and heard exactly or not."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from audit.schema import Contact
from pipelines.entities import mentions, score_entities
from pipelines.evaluate import normalize
from pipelines.vocabulary import call_vocabulary

BASE = dict(call_id="c1", kind="call", started_at=datetime(2026, 11, 2, 10, tzinfo=timezone(timedelta(hours=8))),
            talk_seconds=30, outcome="answered", agent_id="A1")
CONTACT = Contact(**BASE, agent_name="李娜", agency="鼎信催收服务有限公司", creditor="速借花网络小贷",
                  product="online_loan")


def test_mentions_longest_name_first_and_people():
    vocabulary = call_vocabulary(CONTACT)
    text = "陈先生您好，我是鼎信公司的李娜，受速借花委托。我姓李。"
    assert mentions(text, vocabulary) == [("people", "陈先生"), ("agency", "鼎信公司"), ("people", "李娜"),
                                          ("creditor", "速借花"), ("people", "李")]


def test_a_mention_counts_when_heard_exactly_in_the_overlapping_time():
    vocabulary = call_vocabulary(CONTACT)
    turns = [{"start": 0.0, "end": 4.0, "text": "我是鼎信公司的，受速借花委托。"},
             {"start": 10.0, "end": 12.0, "text": "陈先生，逾期45天了。"}]
    heard = [SimpleNamespace(start=0.2, end=4.1, text="我是定心公司的，受速借花委托"),
             SimpleNamespace(start=10.1, end=12.0, text="陈先生，逾期四十五天了"),
             SimpleNamespace(start=30.0, end=31.0, text="鼎信公司")]  # far from the turn: not counted
    assert score_entities(turns, heard, vocabulary, normalize) == {
        "creditor": [1, 1], "agency": [0, 1], "people": [1, 1]}


def test_entity_summary_overall_and_per_kind():
    from audit.evaluation import entity_summary

    summary = entity_summary({"creditor": [3, 4], "agency": [1, 1], "people": [0, 0]})
    assert summary["accuracy"] == 0.8 and summary["mentions"] == 5
    assert summary["per_kind"]["creditor"]["accuracy"] == 0.75
    assert summary["per_kind"]["people"]["accuracy"] is None
    assert entity_summary({"creditor": [0, 0]})["accuracy"] is None
