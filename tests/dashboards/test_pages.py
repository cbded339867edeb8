"""AppTests: every page for every role in both languages, scope enforcement (also via URL), masking,
review actions."""

from __future__ import annotations

import html
import time

import pytest
import sqlalchemy as sa
import streamlit as st
from streamlit.testing.v1 import AppTest

from audit import models
from audit.storage import make_engine
from tests.dashboards.conftest import APP, PASSWORDS

PAGES = ["overview", "calls", "call_detail", "timeline", "agents", "rules", "review_queue"]
LANGS = ["zh_CN", "en"]
ROLES = ["boss", "wang", "li", "zhao"]  # admin, supervisor, team lead of 一组, agent B203
VISIBLE = {  # contacts each user may see
    "boss": {"t-001", "t-002", "t-003", "t-004", "t-005", "t-006", "t-007", "t-008"},
    "wang": {"t-001", "t-002", "t-003", "t-004", "t-005", "t-006", "t-007", "t-008"},
    "li": {"t-001", "t-003", "t-004", "t-006", "t-008"},
    "zhao": {"t-002", "t-007"},
    "lina": {"t-001", "t-004", "t-006"},
}


def app(env, username: str | None, *, call_id: str | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=30)
    if username is not None:
        at.session_state["user"] = env["users"][username]
    if call_id is not None:
        at.query_params["call_id"] = call_id
    return at


def render(at: AppTest, page: str) -> float:
    """Render ``page`` with empty data caches; returns the seconds it took."""
    st.cache_data.clear()
    start = time.perf_counter()
    if page == "overview":
        at.run()
    else:
        at.switch_page(f"pages/{page}.py")
        at.run()
    elapsed = time.perf_counter() - start
    assert not at.exception, [e.value for e in at.exception]
    return elapsed


def all_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [e.value for e in at.error]
    for df in at.dataframe:
        parts.append(df.value.to_csv())
    return "\n".join(parts)


@pytest.fixture(scope="module", autouse=True)
def warm_imports():
    """Import what the pages import once, so render times measure the page, not the interpreter."""
    import altair  # noqa: F401
    import pandas  # noqa: F401

    from audit.rules import load_pack

    load_pack()


TITLES = {  # each page's title in each language: the interface follows the language
    "zh_CN": {
        "overview": "总览",
        "calls": "通话列表",
        "call_detail": "通话详情",
        "timeline": "债务人时间线",
        "agents": "坐席",
        "rules": "规则",
        "review_queue": "复核队列",
    },
    "en": {
        "overview": "Overview",
        "calls": "Calls",
        "call_detail": "Call detail",
        "timeline": "Debtor timeline",
        "agents": "Agents",
        "rules": "Rules",
        "review_queue": "Review queue",
    },
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("username", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_for_every_role(dashboard_env, page, username, lang, monkeypatch):
    monkeypatch.setenv("AUDIT_LANG", lang)
    at = app(dashboard_env, username)
    if page == "timeline":
        at.query_params["debtor"] = "D-t-002"  # B203's: seen by the admin, the supervisor and zhao
    at.run()  # first run: engine + migrations check, login state
    render(at, page)  # the 2 s a page is measured by benchmarks/dashboard_pages.py, not here
    expected_title = "My scorecard" if (page, username, lang) == ("agents", "zhao", "en") else \
        "我的评分卡" if (page, username) == ("agents", "zhao") else TITLES[lang][page]
    assert [t.value for t in at.title] == [expected_title]
    text = all_text(at)
    assert "None" not in text and "nan" not in text.lower().split(), "no raw None/NaN on any page"
    hidden = VISIBLE["boss"] - VISIBLE[username]
    for call_id in hidden:  # nothing of another team's or agent's contacts leaks onto any page
        assert call_id not in text, f"{call_id} shown to {username} on {page}"
    if page == "calls":
        assert set(at.dataframe[0].value["call"]) == VISIBLE[username]
    if page == "timeline":  # the scope holds on the timeline: t-002 is B203's
        shown = set(at.dataframe[0].value["call"]) if at.dataframe else set()
        assert shown == ({"t-002"} if "t-002" in VISIBLE[username] else set())


@pytest.mark.parametrize("username, audited", [("boss", "7"), ("li", "5"), ("zhao", "1"), ("lina", "3")])
def test_overview_kpis_follow_scope(dashboard_env, username, audited):
    at = app(dashboard_env, username)
    render(at, "overview")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["受检联系数"] == audited  # Chinese by default


@pytest.mark.parametrize("username, call_id, visible", [
    ("zhao", "t-002", True),
    ("zhao", "t-001", False),  # another agent's call, typed into the URL
    ("lina", "t-002", False),
    ("li", "t-002", False),  # another team's call
    ("li", "t-003", True),
    ("wang", "t-005", True),
    ("wang", "no-such-call", False),
])
def test_call_detail_by_query_parameter_is_scoped(dashboard_env, username, call_id, visible):
    at = app(dashboard_env, username, call_id=call_id)
    at.run()
    render(at, "call_detail")
    errors = [e.value for e in at.error]
    if visible:
        assert not any("不存在，或您无权查看" in e for e in errors)
        assert call_id in {m.value for m in at.metric} | {s.value for s in at.selectbox}
    else:
        assert [html.unescape(e) for e in errors] == [f"联系 '{call_id}' 不存在，或您无权查看。"]
        assert [b.key for b in at.button] == [
            "logout"
        ]  # no findings, no actions (only the sidebar's sign-out)
        text = all_text(at)
        assert "通讯录" not in text and "老赖" not in text


@pytest.mark.parametrize("username, shows_clear", [("boss", True), ("wang", False), ("li", False), ("lina", False)])
def test_personal_numbers_masked_by_role(dashboard_env, username, shows_clear):
    at = app(dashboard_env, username, call_id="t-001")
    at.run()
    render(at, "call_detail")
    text = all_text(at)
    assert ("13812345678" in text) is shows_clear
    assert ("138&#42;&#42;&#42;&#42;5678" in text) is not shows_clear  # escaped so markdown shows the stars


def test_login_form(dashboard_env):
    at = app(dashboard_env, None)
    at.run()
    assert [t.value for t in at.title] == ["通话质检 — 登录"]  # Chinese by default
    at.text_input(key="login_username").input("wang")
    at.text_input(key="login_password").input("wrong")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["用户名或密码错误。"]
    at.text_input(key="login_password").input(PASSWORDS["wang"])
    at.button[0].click().run()
    assert not at.exception
    assert at.session_state["user"].username == "wang"
    assert [t.value for t in at.title] == ["总览"]


def test_login_form_in_english(dashboard_env, english):
    at = app(dashboard_env, None)
    at.run()
    assert [t.value for t in at.title] == ["Call audit — sign in"]
    at.text_input(key="login_username").input("wang")
    at.text_input(key="login_password").input("wrong")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["Wrong username or password."]
    at.text_input(key="login_password").input(PASSWORDS["wang"])
    at.button[0].click().run()
    assert [t.value for t in at.title] == ["Overview"]


def test_bad_users_file_is_reported_on_login(dashboard_env, monkeypatch, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[users.x]\nrole = "admin"\npassword = "hunter2"\n', encoding="utf-8")
    monkeypatch.setenv("AUDIT_USERS_FILE", str(bad))
    at = app(dashboard_env, None)
    at.run()
    assert str(bad) in at.error[0].value and "scrypt hash" in at.error[0].value


def _finding_id(url: str, call_id: str, rule_id: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.select(models.Finding.id).where(
                models.Finding.call_id == call_id, models.Finding.rule_id == rule_id)).scalar_one()
    finally:
        engine.dispose()


def test_seek_button_moves_the_audio_player(dashboard_env):
    fid = _finding_id(dashboard_env["url"], "t-002", "THREAT-CONTACTS")
    at = app(dashboard_env, "wang", call_id="t-002")
    at.run()
    render(at, "call_detail")
    audio = at.get("audio")[0].proto
    assert (audio.start_time, audio.autoplay) == (0, False)
    at.button(key=f"seek_{fid}").click().run()
    audio = at.get("audio")[0].proto
    assert (audio.start_time, audio.autoplay) == (14, True)
    assert "outline:2px solid" in all_text(at)  # the clicked finding's line is marked


def test_review_actions_from_the_page(dashboard_env, english):
    url = dashboard_env["url"]
    fid = _finding_id(url, "t-002", "ABUSE-INSULT")
    at = app(dashboard_env, "wang", call_id="t-002")
    at.run()
    render(at, "call_detail")
    at.button(key=f"dismiss_{fid}").click().run()
    assert any("dismiss needs a reason" in e.value for e in at.error)
    at.text_input(key=f"reason_{fid}").input("客户先骂人，坐席复述")
    at.button(key=f"dismiss_{fid}").click().run()
    assert not at.exception
    assert any("ABUSE-INSULT: open → dismissed" in s.value for s in at.success)
    assert f"reopen_{fid}" in [b.key for b in at.button]
    log = at.dataframe[-1].value
    assert list(log["action"]) == ["dismiss"] and list(log["who"]) == ["wang"]
    # the overview and the review queue see it at once (cache cleared)
    at.switch_page("pages/review_queue.py").run()
    assert "ABUSE-INSULT" not in set(at.dataframe[0].value["rule"])


def test_agent_can_only_appeal_own_findings(dashboard_env, english):
    fid = _finding_id(dashboard_env["url"], "t-002", "ABUSE-INSULT")
    at = app(dashboard_env, "zhao", call_id="t-002")
    at.run()
    render(at, "call_detail")
    keys = {b.key for b in at.button}
    assert f"appeal_{fid}" in keys and f"confirm_{fid}" not in keys and f"dismiss_{fid}" not in keys
    at.text_input(key=f"reason_{fid}").input("客户先辱骂我")
    at.button(key=f"appeal_{fid}").click().run()
    assert any("open → appealed" in s.value for s in at.success)


def test_agents_page_for_an_agent_shows_only_their_scorecard(dashboard_env, english):
    at = app(dashboard_env, "zhao")
    render(at, "agents")
    assert [t.value for t in at.title] == ["My scorecard"]
    assert list(at.dataframe[0].value["agent"]) == ["B203"]
    assert [o for o in at.selectbox(key="agents_pick").options] == ["B203 赵强"]


def test_calls_search_and_open(dashboard_env, english):
    at = app(dashboard_env, "wang")
    render(at, "calls")
    at.text_input(key="calls_search").input("通讯录").run()
    assert list(at.dataframe[0].value["call"]) == ["t-002"]
    at.selectbox(key="calls_open_id").select("t-002")
    at.button(key="calls_open").click().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Call detail"]
    assert at.query_params["call_id"] == ["t-002"] or at.query_params["call_id"] == "t-002"


def test_masked_roles_search_what_they_see(dashboard_env, english):
    """Without see_pii a search matches the masked transcript: a masked number is not found."""
    at = app(dashboard_env, "wang")
    render(at, "calls")
    at.text_input(key="calls_search").input("13812345678").run()
    assert not at.dataframe and "No contacts match." in [i.value for i in at.info]
    assert any("searched as you see them" in c.value for c in at.caption)


@pytest.mark.postgres
@pytest.mark.parametrize("dashboard_env", ["postgres"], indirect=True)
@pytest.mark.parametrize("page", PAGES)
def test_pages_on_postgres(dashboard_env, page):
    at = app(dashboard_env, "wang", call_id="t-002")
    at.run()
    render(at, page)


def _add_model_finding(url: str) -> int:
    """A suspected finding of the learned model on t-002 (synthetic evidence)."""
    from audit.review import rescore_contact
    from audit.storage import session

    engine = make_engine(url)
    with session(engine) as s:
        row = models.Finding(call_id="t-002", rule_id="ML-ABUSE", category="ABUSE", severity="high",
                             speaker="agent", role="agent", start=6.0, end=7.0, evidence="（合成测试句）",
                             details={"probability": 0.55, "suspected": True}, detector="model",
                             confidence=0.55, review_status="suspected")
        s.add(row)
        s.flush()
        rescore_contact(s, "t-002")
        s.commit()
        fid = row.id
    engine.dispose()
    return fid


def test_detector_badges_filter_and_dismissal_rate(dashboard_env, monkeypatch):
    monkeypatch.setenv("AUDIT_LANG", "en")  # the badge and status words as written below
    fid = _add_model_finding(dashboard_env["url"])
    at = app(dashboard_env, "wang")
    at.run()
    render(at, "review_queue")
    queue = at.dataframe[0].value
    assert "model 0.55" in set(queue["detector"]) and "suspected" in set(queue["status"])
    at.multiselect(key="queue_detector").select("model").run()
    assert set(at.dataframe[0].value["rule"]) == {"ML-ABUSE"}
    # the call detail shows the badge, and the detector filter keeps the model's finding only
    at = app(dashboard_env, "wang", call_id="t-002")
    at.run()
    render(at, "call_detail")
    assert any("`model 0.55`" in m.value and "_suspected_" in m.value for m in at.markdown)
    at.multiselect(key="finding_detector").select("model").run()
    assert {b.key for b in at.button if b.key and b.key.startswith("confirm_")} == {f"confirm_{fid}"}
    # the rules page reports dismissals per detector
    at = app(dashboard_env, "wang")
    at.run()
    render(at, "rules")
    by_detector = at.dataframe[-1].value
    assert list(by_detector.columns[:5]) == ["detector", "hits", "confirmed", "dismissed", "suspected"]
    assert dict(zip(by_detector["detector"], by_detector["suspected"]))["model"] == 1


@pytest.mark.parametrize(
    "username, found", [("wang", ["t-002"]), ("zhao", ["t-002"]), ("lina", []), ("li", [])]
)
def test_search_by_sound_keeps_the_scope_and_marks_the_hit(dashboard_env, username, found):
    """通信路 is how the ASR could write 通讯录: the search finds t-002's line by sound, marks the words
    as written and offers to play from there; other agents and teams find nothing."""
    at = app(dashboard_env, username)
    render(at, "calls")
    at.text_input(key="calls_search").input("通信路").run()
    assert not at.exception
    calls = list(at.dataframe[0].value["call"]) if at.dataframe else []
    assert calls == found
    hits = [m.value for m in at.markdown if "<mark>" in m.value]
    if found:
        assert [h for h in hits if "<mark>通讯录</mark>" in h]
        at.button(key="hit_0").click().run()  # ▶: the call, at the line's second
        assert [t.value for t in at.title] == ["通话详情"]
        assert at.query_params["t"] in ("14.7", ["14.7"]) and at.query_params["call_id"] in (
            "t-002",
            ["t-002"],
        )
    else:
        assert not hits and "t-002" not in all_text(at)


def test_call_detail_names_the_collector_who_said_each_line(dashboard_env, english):
    """With voiceprints, a line and its finding carry the speaking collector: the page says who."""
    url = dashboard_env["url"]
    fid = _finding_id(url, "t-002", "THREAT-CONTACTS")
    S = models.Segment
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            lines = conn.execute(sa.select(S.idx).where(S.call_id == "t-002", S.role == "agent")
                                 .order_by(S.idx)).scalars().all()
            assert len(lines) >= 2
            conn.execute(sa.update(models.Finding).where(models.Finding.id == fid).values(agent_id="V305"))
            conn.execute(sa.update(S).where(S.call_id == "t-002", S.idx.in_(lines[:-1])).values(agent_id="V305"))
            conn.execute(sa.update(S).where(S.call_id == "t-002", S.idx == lines[-1]).values(agent_id="unregistered"))
    finally:
        engine.dispose()
    at = app(dashboard_env, "wang", call_id="t-002")
    at.run()
    render(at, "call_detail")
    text = all_text(at)
    assert "Said by collector V305 (identified by voice)" in text
    assert text.count(" · V305)") == len(lines) - 1
    assert text.count(" · unregistered voice)") == 1
