"""The login page under password guessing: after a few wrong passwords it says how long to
wait, a locked account refuses even the right password (in every browser session of the
server), and after the lock the right password signs in."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from audit.throttle import LOGIN_THROTTLE
from tests.dashboards.conftest import APP, PASSWORDS


class Clock:
    now = 5000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(LOGIN_THROTTLE, "clock", fake)  # the server-wide throttle the page uses
    return fake


def sign_in(at: AppTest, username: str, password: str) -> list[str]:
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return [e.value for e in at.error]


def login_page() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.run()
    return at


def test_guessing_is_slowed_then_locked_and_the_page_says_how_long(dashboard_env, clock):
    at = login_page()
    for _ in range(5):
        assert sign_in(at, "wang", "guess") == ["用户名或密码错误。"]  # the page speaks Chinese by default
    assert sign_in(at, "wang", "guess") == ["登录失败次数过多，请 1 秒后再试。"]
    for _ in range(5):  # waiting out each delay does not help for long
        clock.now += 60
        assert sign_in(at, "wang", "guess") == ["用户名或密码错误。"]
    assert sign_in(at, "wang", PASSWORDS["wang"]) == ["登录失败次数过多，请 900 秒后再试。"]
    assert "user" not in at.session_state

    other = login_page()  # another browser: the same server process, the same lock
    assert sign_in(other, "wang", PASSWORDS["wang"]) == ["登录失败次数过多，请 900 秒后再试。"]
    assert sign_in(other, "li", PASSWORDS["li"]) == []  # other accounts are not held up
    assert other.session_state["user"].username == "li"

    clock.now += 900
    assert sign_in(at, "wang", PASSWORDS["wang"]) == []
    assert at.session_state["user"].username == "wang"
    assert [t.value for t in at.title] == ["总览"]
