"""Text from outside on the pages: personal numbers in review reasons stay masked, and manifest
fields and reasons are shown as literal text, never as live Markdown or HTML."""

from __future__ import annotations

import html

import sqlalchemy as sa
import streamlit as st
from streamlit.testing.v1 import AppTest

from audit import models, review
from audit.queries import Scope
from audit.storage import make_engine
from tests.dashboards.conftest import APP

WORD_JOINER = "\u2060"


def plain(value: str) -> str:
    """What a reader sees of a rendered value: character references decoded, word joiners gone."""
    return html.unescape(value.replace(WORD_JOINER, ""))


def page(env, username: str, name: str, *, call_id: str | None = None) -> AppTest:
    st.cache_data.clear()
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state["user"] = env["users"][username]
    if call_id is not None:
        at.query_params["call_id"] = call_id
    at.run()
    if name != "overview":
        at.switch_page(f"pages/{name}.py")
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown_text(at: AppTest) -> str:
    """Everything the page shows as text, decoded as the reader sees it."""
    parts = [e.value for kind in ("markdown", "caption", "error", "warning", "info", "success", "title",
                                  "subheader") for e in at.get(kind)]
    parts += [str(m.value) for m in at.metric] + [m.help or "" for m in at.metric]
    parts += [df.value.to_csv() for df in at.dataframe]
    return plain("\n".join(parts))


def _finding_id(url: str, call_id: str, rule_id: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.select(models.Finding.id).where(
                models.Finding.call_id == call_id, models.Finding.rule_id == rule_id)).scalar_one()
    finally:
        engine.dispose()


def _appeal(url: str, reason: str) -> None:
    """Agent B203 (zhao) appeals the insult finding on t-002 with ``reason``."""
    engine = make_engine(url)
    try:
        fid = _finding_id(url, "t-002", "ABUSE-INSULT")
        review.apply_review(engine, fid, "appeal", user="zhao", role="agent", scope=Scope(agent_id="B203"),
                            reason=reason)
    finally:
        engine.dispose()


# ----------------------------------------------------------------------------- masking


PHONE_REASON = "客户让我回电138,1234,5678"


def test_review_reasons_are_masked_without_see_pii(dashboard_env):
    """The reason caption, the call's review log and the queue's recent actions mask the number
    for a supervisor without see_pii; the admin (see_pii) reads it in clear."""
    _appeal(dashboard_env["url"], PHONE_REASON)
    masked, clear = "138,****,5678", "138,1234,5678"
    for username, expect, hidden in (("wang", masked, clear), ("boss", clear, masked)):
        at = page(dashboard_env, username, "call_detail", call_id="t-002")
        text = shown_text(at)
        assert f"Reason (zhao): 客户让我回电{expect}" in text
        assert list(at.dataframe[-1].value["reason"]) == [f"客户让我回电{expect}"]  # the review log
        assert hidden not in text
        at = page(dashboard_env, username, "review_queue")
        assert list(at.dataframe[-1].value["reason"]) == [f"客户让我回电{expect}"]  # recent review actions
        assert hidden not in shown_text(at)


def _search(at: AppTest, query: str) -> tuple[list[str], str]:
    at.text_input(key="calls_search").input(query).run()
    assert not at.exception, [e.value for e in at.exception]
    calls = list(at.dataframe[0].value["call"]) if at.dataframe else []
    return calls, shown_text(at)


def test_transcript_search_cannot_rebuild_a_masked_number(dashboard_env):
    """t-001's 13812345678 shows as 138****5678 to a supervisor; growing a search from 138 one digit
    at a time (five digits rebuilt the number in 14 tries before) never hits, because the search
    matches the masked transcript. The visible ends still match."""
    at = page(dashboard_env, "wang", "calls")
    for query in [f"138{d}" for d in "0123456789"] + ["13812", "138,1234", "１３８１", "13812345678"]:
        calls, text = _search(at, query)
        assert calls == [] and "Matching lines" not in text, query
    assert "searched as you see them" in text  # why a number the user typed finds nothing
    calls, text = _search(at, "5678")
    assert calls == ["t-001"] and "138****5678" in text
    boss = page(dashboard_env, "boss", "calls")
    assert _search(boss, "1381")[0] == ["t-001"]  # see_pii: the clear text is searched
