"""Real-browser tests: the dashboard server (`audit dashboard`'s `streamlit run dashboards/server.py`)
on localhost, headless Debian Chromium driven by Playwright, in the default language (Chinese).

* Signs in, opens a call from the review queue, clicks a finding (the player jumps to it),
  confirms it, and checks the page shows no exception and the review reached the database.
* On the audited corpus: a reload and a second tab stay signed in (the HttpOnly session cookie);
  a deep link opened signed out lands on the call, at the linked second, after sign-in; the
  timeline of debtor D-7950 shows all its dial attempts and the frequency finding; the case
  evidence pack downloaded from it verifies; sign-out ends the session in the other tab too.

Screenshots go to ``test-artifacts/``. Needs ``/usr/bin/chromium`` (``apt-get install -y
chromium``); Playwright's own browser download is never used.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from audit import models
from audit.cli.dashboard import streamlit_command
from audit.storage import make_engine
from tests.dashboards.conftest import PASSWORDS

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env_vars: dict, tmp_path, lang: str | None = None):
    """`streamlit run dashboards/server.py` on a free port; yields its base URL.

    ``lang`` None runs it in the default language (Chinese)."""
    port = _free_port()
    env = dict(os.environ, **env_vars)
    env.pop("AUDIT_LANG", None)
    if lang:
        env["AUDIT_LANG"] = lang
    log = open(tmp_path / "streamlit.log", "w")
    proc = subprocess.Popen(
        streamlit_command(["--server.port", str(port), "--server.address", "127.0.0.1"]),
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"streamlit did not start: {(tmp_path / 'streamlit.log').read_text()[-2000:]}")
        time.sleep(0.3)
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture
def server(dashboard_env, tmp_path):
    yield from start_server({"AUDIT_DB_URL": dashboard_env["url"],
                             "AUDIT_USERS_FILE": str(dashboard_env["users_file"])}, tmp_path)


def sign_in(page, username: str, password: str) -> None:
    expect = _expect()
    expect(page.get_by_role("heading", name="通话质检 — 登录")).to_be_visible()  # Chinese by default
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录").click()


def _expect():
    from playwright.sync_api import expect

    return expect


def test_login_open_call_seek_and_confirm(chromium, server, dashboard_env):
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1300})
        page.set_default_timeout(30_000)
        try:
            page.goto(server)
            sign_in(page, "wang", PASSWORDS["wang"])
            expect(page.get_by_role("heading", name="总览")).to_be_visible()

            page.get_by_role("link", name="复核队列").click()
            expect(page.get_by_role("heading", name="复核队列")).to_be_visible()
            page.get_by_role("button", name="打开通话").click()
            expect(page.get_by_role("heading", name="通话详情")).to_be_visible()
            expect(page.get_by_text("THREAT-CONTACTS").first).to_be_visible()
            assert "call_id=t-002" in page.url

            # The critical finding comes second in recording order (14.7 s): jump to it.
            page.get_by_role("button", name="▶ 00:14").click()
            page.wait_for_function(
                "() => { const a = document.querySelector('audio'); return a && a.currentTime >= 13.9; }")
            confirm = page.get_by_role("button", name="确认", exact=True)
            expect(confirm).to_have_count(2)  # both open findings on t-002
            confirm.nth(1).click()
            expect(page.get_by_text("THREAT-CONTACTS：待复核 → 已确认")).to_be_visible()
            expect(page.get_by_text("_已确认_")).to_have_count(0)  # markdown rendered, not raw
            page.wait_for_timeout(500)  # let the last delta settle before the screenshot
            assert page.locator('[data-testid="stException"]').count() == 0
            page.screenshot(path=str(ARTIFACTS / "dashboard-call-detail.png"), full_page=True)
        finally:
            browser.close()

    engine = make_engine(dashboard_env["url"])
    try:
        with engine.connect() as conn:
            status = conn.execute(sa.select(models.Finding.review_status).where(
                models.Finding.call_id == "t-002", models.Finding.rule_id == "THREAT-CONTACTS")).scalar_one()
            who = conn.execute(sa.select(models.ReviewLog.user, models.ReviewLog.action)).all()
    finally:
        engine.dispose()
    assert status == "confirmed"
    assert who == [("wang", "confirm")]


@pytest.fixture
def corpus_server(audited_corpus, tmp_path):
    yield from start_server({"AUDIT_DB_URL": audited_corpus["url"],
                             "AUDIT_USERS_FILE": str(audited_corpus["users_file"])}, tmp_path)


def test_sessions_deep_links_timeline_and_case_pack(chromium, corpus_server, audited_corpus, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    from audit.evidence import verify_pack
    from tests.dashboards.conftest import CORPUS_PASSWORD

    base = corpus_server
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            # A link to a call at 14.7 s, opened signed out: the sign-in form at that address, in Chinese,
            # then the call, with the player at that second.
            context = browser.new_context(viewport={"width": 1500, "height": 1300}, accept_downloads=True)
            page = context.new_page()
            page.set_default_timeout(30_000)
            page.goto(f"{base}/call_detail?call_id=dev-012&t=14.7")
            sign_in(page, "boss", CORPUS_PASSWORD)
            expect(page.get_by_role("heading", name="通话详情")).to_be_visible()
            assert "call_id=dev-012" in page.url and "t=14.7" in page.url
            page.wait_for_function("() => { const a = document.querySelector('audio'); "
                                   "return a && a.readyState > 0 && Math.abs(a.currentTime - 14) < 0.5; }")
            expect(page.get_by_text("已从链接定位到 00:14。")).to_be_visible()
            page.wait_for_timeout(1000)  # the page hands the server its ticket; the cookie is set
            [cookie] = [c for c in context.cookies() if c["name"] == "callaudit_session"]
            assert (
                cookie["httpOnly"]
                and cookie["sameSite"] == "Strict"
                and cookie["expires"] > time.time() + 3600
            )

            # A reload and a second tab are still signed in.
            page.reload()
            expect(page.get_by_role("heading", name="通话详情")).to_be_visible()
            assert page.evaluate("document.cookie").find("callaudit_session") == -1  # scripts cannot read it
            tab = context.new_page()
            tab.set_default_timeout(30_000)
            tab.goto(f"{base}/timeline?debtor=D-7950")
            expect(tab.get_by_role("heading", name="债务人时间线")).to_be_visible()

            # The timeline of D-7950: every dial attempt and the frequency finding.
            expect(tab.get_by_text("dial-7950-6").first).to_be_visible()
            chronology = tab.get_by_test_id("stMarkdownContainer").filter(has_text="dial-7950-1")
            for n in range(1, 7):
                expect(chronology).to_contain_text(f"dial-7950-{n}")
            expect(chronology).to_contain_text("dev-012")
            expect(chronology).to_contain_text("FREQ-ATTEMPT (联系频次)")
            expect(chronology).to_contain_text("超过每日上限 6 次")
            tab.wait_for_timeout(1500)  # the charts draw
            assert tab.locator('[data-testid="stException"]').count() == 0
            tab.screenshot(path=str(ARTIFACTS / "dashboard-timeline.png"), full_page=True)

            # The case evidence pack downloaded from the timeline verifies.
            with tab.expect_download() as download:
                tab.get_by_role("button", name="下载案件证据包").click()
            pack = tmp_path / "case.zip"
            download.value.save_as(str(pack))
            assert verify_pack(pack) == []

            # Signing out in one tab ends the session in the other.
            tab.get_by_role("button", name="退出登录").click()
            expect(tab.get_by_role("heading", name="通话质检 — 登录")).to_be_visible()
            page.reload()
            expect(page.get_by_role("heading", name="通话质检 — 登录")).to_be_visible()
            tab.wait_for_timeout(500)
            assert not [c for c in context.cookies() if c["name"] == "callaudit_session"]
        finally:
            browser.close()
    engine = make_engine(audited_corpus["url"])
    try:
        from audit.sessions import recent

        assert [e.event for e in reversed(recent(engine, username="boss"))][-2:] == ["sign_in", "sign_out"]
    finally:
        engine.dispose()
