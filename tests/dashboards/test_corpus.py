"""The dashboard on the audited labelled corpus: every page, every role, both languages, each
rendered within the budget; the debtor timeline of D-7950 (six unanswered dial attempts, then a
seventh call on the same day that the frequency rule flags) in scope."""

from __future__ import annotations

import time

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.dashboards.conftest import APP, CORPUS_USERS
from tests.dashboards.test_pages import LANGS, PAGES, TITLES, all_text
from tests.dashboards.test_untrusted_text import plain

D7950 = [f"dial-7950-{n}" for n in range(1, 7)] + ["dev-012"]
SEES_D7950 = {"boss": True, "wang": True, "sun": True, "zhou": True, "lina": False}


def open_page(env, username: str, page: str, **params) -> tuple[AppTest, float]:
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state["user"] = env["users"][username]
    for key, value in params.items():
        at.query_params[key] = value
    at.run()  # the engine, the schema check, the sidebar
    st.cache_data.clear()
    start = time.perf_counter()
    if page != "overview":
        at.switch_page(f"pages/{page}.py")
    at.run()
    elapsed = time.perf_counter() - start
    assert not at.exception, [e.value for e in at.exception]
    return at, elapsed


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("username", list(CORPUS_USERS))
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_the_audited_corpus(corpus_env, page, username, lang, monkeypatch):
    monkeypatch.setenv("AUDIT_LANG", lang)
    params = (
        {"debtor": "D-7950"}
        if page == "timeline"
        else {"call_id": "dev-012"}
        if page == "call_detail"
        else {}
    )
    # how fast is benchmarks/dashboard_pages.py's question (2 s a page), not a unit test's
    at, _elapsed = open_page(corpus_env, username, page, **params)
    if page not in ("agents",):
        assert [t.value for t in at.title] == [TITLES[lang][page]]
    text = all_text(at)
    assert "None" not in text.split() and "nan" not in text.lower().split()
    assert all(df.proto.placeholder == "–" for df in at.dataframe), "a missing value reads –, never None"


@pytest.mark.parametrize("username", list(CORPUS_USERS))
def test_timeline_of_d7950_shows_every_dial_attempt_and_the_frequency_finding(corpus_env, username):
    at, _ = open_page(corpus_env, username, "timeline", debtor="D-7950")
    text = all_text(at)
    if not SEES_D7950[username]:  # another agent: nothing of the debtor shows
        assert not any(call_id in text for call_id in D7950)
        assert any("未找到" in w.value for w in at.warning)
        return
    assert list(at.dataframe[0].value["call"]) == D7950  # oldest first
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["拨打次数"] == "7" and metrics["单日最多拨打"] == "7" and metrics["违规数"] == "1"
    raw = next(m.value for m in at.markdown if "dial&#45;7950&#45;1" in m.value)  # escaped outside text
    chronology = plain(raw)
    assert all(call_id in chronology for call_id in D7950)
    assert "FREQ-ATTEMPT (联系频次)" in chronology
    assert "超过每日上限 6 次" in chronology
    downloads = [b.proto.label for b in at.get("download_button")]
    assert downloads == (["下载案件证据包"] if at.session_state["user"].see_pii else [])


@pytest.mark.parametrize("by, query, found", [
    ("case", "L-22010", True),
    ("debtor", "D-5521", False),  # another debtor: dev-001 only
])
def test_timeline_by_case(corpus_env, by, query, found):
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state["user"] = corpus_env["users"]["boss"]
    at.query_params[by] = query
    at.run()
    at.switch_page("pages/timeline.py")
    at.run()
    assert not at.exception
    calls = list(at.dataframe[0].value["call"])
    assert (calls == D7950) is found
    assert at.query_params.get(by) in (query, [query])  # the address keeps the debtor or case
