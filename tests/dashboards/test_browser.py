"""Real-browser test: `streamlit run` on localhost, headless Debian Chromium driven by Playwright.

Logs in, opens a call from the review queue, clicks a finding (the player jumps to it), confirms
it, and checks the page shows no exception and the review reached the database. A screenshot
goes to ``test-artifacts/``. Needs ``/usr/bin/chromium`` (``apt-get install -y chromium``);
Playwright's own browser download is never used.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from audit import models
from audit.storage import make_engine
from dashboards.cli import streamlit_command
from tests.dashboards.conftest import PASSWORDS

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(dashboard_env, tmp_path):
    port = _free_port()
    env = dict(os.environ, AUDIT_DB_URL=dashboard_env["url"], AUDIT_USERS_FILE=str(dashboard_env["users_file"]))
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
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def test_login_open_call_seek_and_confirm(server, dashboard_env):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Debian chromium is missing: apt-get install -y chromium (make test installs it)")
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1300})
        page.set_default_timeout(30_000)
        try:
            page.goto(server)
            page.get_by_label("Username").fill("wang")
            page.get_by_label("Password", exact=True).fill(PASSWORDS["wang"])
            page.get_by_role("button", name="Log in").click()
            expect(page.get_by_role("heading", name="Overview")).to_be_visible()

            page.get_by_role("link", name="Review queue").click()
            expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
            page.get_by_role("button", name="Open call").click()
            expect(page.get_by_role("heading", name="Call detail")).to_be_visible()
            expect(page.get_by_text("THREAT-CONTACTS").first).to_be_visible()
            assert "call_id=t-002" in page.url

            # The critical finding comes second in recording order (14.7 s): jump to it.
            page.get_by_role("button", name="▶ 00:14").click()
            page.wait_for_function(
                "() => { const a = document.querySelector('audio'); return a && a.currentTime >= 13.9; }")
            confirm = page.get_by_role("button", name="Confirm", exact=True)
            expect(confirm).to_have_count(2)  # both open findings on t-002
            confirm.nth(1).click()
            expect(page.get_by_text("THREAT-CONTACTS: open → confirmed")).to_be_visible()
            expect(page.get_by_text("_confirmed_")).to_have_count(0)  # markdown rendered, not raw
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
