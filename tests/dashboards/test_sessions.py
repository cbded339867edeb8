"""Sessions in the dashboard: the cookie routes, sign-in from the cookie (a reload, a new tab),
expiry and sign-out, and the sign-in log. The real browser round trip is in test_browser.py."""

from __future__ import annotations

import asyncio
import re
import time

import pytest
from starlette.requests import Request
from streamlit.testing.v1 import AppTest

from audit import sessions
from audit.storage import make_engine
from dashboards import routes, ui
from tests.dashboards.conftest import APP, PASSWORDS


def request(path: str, *, body: bytes = b"", cookie: str | None = None, origin: str | None = None,
            scheme: str = "http") -> Request:
    headers = [(b"host", b"127.0.0.1:8501"), (b"content-type", b"application/x-www-form-urlencoded")]
    if cookie is not None:
        headers.append((b"cookie", f"{sessions.COOKIE_NAME}={cookie}".encode()))
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    sent = False

    async def receive():
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    scope = {"type": "http", "method": "POST", "path": path, "headers": headers, "query_string": b"",
             "scheme": scheme, "server": ("127.0.0.1", 8501), "client": ("10.1.2.3", 50000)}
    return Request(scope, receive)


def call(route, req):
    return asyncio.run(route(req))


def secret() -> bytes:
    from audit.auth import users_file

    return sessions.load_secret(users_file())


def events(env) -> list[tuple[str, str]]:
    engine = make_engine(env["url"])
    try:
        return [(e.event, e.username) for e in reversed(sessions.recent(engine))]
    finally:
        engine.dispose()


# ----------------------------------------------------------------------------- the routes


def test_a_ticket_sets_an_httponly_expiring_cookie_once(dashboard_env):
    claims = sessions.new_session(dashboard_env["users"]["wang"])
    ticket = sessions.ticket(claims, secret())
    response = call(routes.establish, request("/_callaudit/session", body=f"ticket={ticket}".encode()))
    assert response.status_code == 204
    header = response.headers["set-cookie"]
    assert header.startswith(f"{sessions.COOKIE_NAME}=")
    assert "HttpOnly" in header and "SameSite=strict" in header and "Path=/" in header
    assert "Secure" not in header  # plain HTTP here; behind an HTTPS proxy it is set
    max_age = int(re.search(r"Max-Age=(\d+)", header).group(1))
    assert sessions.SESSION_TTL_S - 60 < max_age <= sessions.SESSION_TTL_S
    token = header.split(";")[0].split("=", 1)[1]
    assert sessions.user_for(token, dashboard_env["users"], secret())[0].username == "wang"
    again = call(routes.establish, request("/_callaudit/session", body=f"ticket={ticket}".encode()))
    assert again.status_code == 403 and "set-cookie" not in again.headers


@pytest.mark.parametrize("body, origin, status", [
    (b"ticket=forged.ticket", None, 403),
    (b"", None, 403),
    (None, "http://evil.example", 403),  # a valid ticket posted from another site
])
def test_the_cookie_route_refuses(dashboard_env, body, origin, status):
    if body is None:
        ticket = sessions.ticket(sessions.new_session(dashboard_env["users"]["wang"]), secret())
        body = f"ticket={ticket}".encode()
    response = call(routes.establish, request("/_callaudit/session", body=body, origin=origin))
    assert response.status_code == status and "set-cookie" not in response.headers


def test_the_cookie_is_secure_behind_https(dashboard_env):
    ticket = sessions.ticket(sessions.new_session(dashboard_env["users"]["wang"]), secret())
    response = call(routes.establish, request("/_callaudit/session", body=f"ticket={ticket}".encode(),
                                              scheme="https"))
    assert "Secure" in response.headers["set-cookie"]


def test_sign_out_route_logs_and_clears(dashboard_env):
    claims = sessions.new_session(dashboard_env["users"]["li"])
    token = sessions.sign(claims, secret())
    response = call(routes.signout, request("/_callaudit/signout", cookie=token))
    assert response.status_code == 204
    assert (
        'callaudit_session=""' in response.headers["set-cookie"]
        and "Max-Age=0" in response.headers["set-cookie"]
    )
    assert events(dashboard_env) == [("sign_out", "li")]
    engine = make_engine(dashboard_env["url"])
    assert sessions.is_revoked(engine, claims.session_id)
    engine.dispose()
    call(routes.signout, request("/_callaudit/signout", cookie=token))  # twice: one sign-out logged
    assert events(dashboard_env) == [("sign_out", "li")]


# ----------------------------------------------------------------------------- the pages


def new_app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=30)


def sign_in(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def handed_over(at: AppTest) -> list[str]:
    """The route paths the page's scripts post to (the cookie hand-over)."""
    return [p for h in at.get("html") for p in re.findall(r"/_callaudit/\w+", h.proto.body)]


def test_sign_in_hands_the_server_a_ticket_and_logs_it(dashboard_env):
    at = sign_in(new_app().run(), "wang", "wrong")
    at = sign_in(at, "wang", PASSWORDS["wang"])
    assert [t.value for t in at.title] == ["总览"]
    assert handed_over(at) == ["/_callaudit/session"]
    [html] = [h.proto.body for h in at.get("html")]
    ticket = re.search(r"ticket=([\w.-]+)", html).group(1)
    token, claims = sessions.redeem(ticket, secret())
    assert claims == at.session_state[ui.SESSION_KEY] and claims.username == "wang"
    assert events(dashboard_env) == [("failed", "wang"), ("sign_in", "wang")]
    at.run()
    assert handed_over(at) == []  # once


def test_a_reload_signs_in_from_the_cookie(dashboard_env, monkeypatch):
    """A new browser session (reload, second tab) with the cookie is signed in, in the user's
    language, on the page its address names."""
    claims = sessions.new_session(dashboard_env["users"]["wang"])
    monkeypatch.setattr(
        ui, "request_cookie", lambda name=sessions.COOKIE_NAME: sessions.sign(claims, secret())
    )
    at = new_app().run()
    assert not at.exception
    assert at.session_state["user"].username == "wang" and [t.value for t in at.title] == ["总览"]
    assert at.session_state[ui.SESSION_KEY].session_id == claims.session_id


@pytest.mark.parametrize("cookie", ["forged.cookie", "expired", "signed-out"])
def test_a_bad_cookie_shows_the_sign_in_form_and_is_cleared(dashboard_env, monkeypatch, cookie):
    users = dashboard_env["users"]
    if cookie == "expired":
        claims = sessions.new_session(users["wang"], now=time.time() - sessions.SESSION_TTL_S - 5)
        cookie = sessions.sign(claims, secret())
    elif cookie == "signed-out":
        claims = sessions.new_session(users["wang"])
        engine = make_engine(dashboard_env["url"])
        sessions.record(engine, "sign_out", "wang", session_id=claims.session_id)
        engine.dispose()
        cookie = sessions.sign(claims, secret())
    monkeypatch.setattr(ui, "request_cookie", lambda name=sessions.COOKIE_NAME: cookie)
    at = new_app().run()
    assert "user" not in at.session_state and [t.value for t in at.title] == ["通话质检 — 登录"]
    assert handed_over(at) == ["/_callaudit/signout"]


def test_a_session_ends_when_it_expires_or_is_signed_out_in_another_tab(dashboard_env):
    at = sign_in(new_app().run(), "wang", PASSWORDS["wang"])
    claims = at.session_state[ui.SESSION_KEY]
    at.session_state[ui.SESSION_KEY] = sessions.Claims(**{**claims.__dict__, "expires_at": time.time() - 1})
    at.run()
    assert "user" not in at.session_state and [t.value for t in at.title] == ["通话质检 — 登录"]
    assert "登录已过期，请重新登录。" in [i.value for i in at.info]
    assert events(dashboard_env)[-1] == ("expired", "wang")

    other = sign_in(new_app().run(), "li", PASSWORDS["li"])
    engine = make_engine(dashboard_env["url"])
    sessions.record(engine, "sign_out", "li", session_id=other.session_state[ui.SESSION_KEY].session_id)
    engine.dispose()
    other.run()
    assert "user" not in other.session_state


def test_sign_out_button(dashboard_env):
    at = sign_in(new_app().run(), "wang", PASSWORDS["wang"])
    sid = at.session_state[ui.SESSION_KEY].session_id
    at.button(key="logout").click().run()
    assert [t.value for t in at.title] == ["通话质检 — 登录"] and "user" not in at.session_state
    assert handed_over(at) == ["/_callaudit/signout"]
    assert events(dashboard_env)[-1] == ("sign_out", "wang")
    engine = make_engine(dashboard_env["url"])
    assert sessions.is_revoked(engine, sid)
    engine.dispose()


def test_a_user_reads_the_dashboard_in_their_language(dashboard_env, tmp_path, monkeypatch):
    from audit.auth import add_user, load_users

    add_user(dashboard_env["users_file"], "eve", "eve-pw", role="supervisor", lang="en")
    at = sign_in(new_app().run(), "eve", "eve-pw")
    assert [t.value for t in at.title] == ["Overview"]
    assert load_users(dashboard_env["users_file"])["eve"].lang == "en"


# ----------------------------------------------------------------------------- a company identity provider

AUTH_SECRETS = {"auth": {"redirect_uri": "https://audit.example.cn/oauth2callback", "cookie_secret": "x" * 32,
                         "client_id": "callaudit", "client_secret": "s",
                         "server_metadata_url": "https://sso.example.cn/.well-known/openid-configuration"}}


def test_company_account_maps_to_its_users_file_entry(dashboard_env):
    from audit.auth import add_user

    add_user(dashboard_env["users_file"], "zhang", "unused-pw", role="team_lead", team="一组",
             email="Zhang.Wei@Corp.example")
    at = new_app()
    at.secrets = AUTH_SECRETS
    at.user = {"is_logged_in": False}
    at.run()
    assert [b.label for b in at.button][:1] == ["使用公司账号登录"]  # and the password form below it
    at.user = {"is_logged_in": True, "email": "zhang.wei@corp.example"}  # back from the provider
    at.run()
    assert not at.exception
    assert at.session_state["user"].username == "zhang" and at.session_state["user"].scope.team == "一组"
    assert handed_over(at) == ["/_callaudit/session"]  # our own session cookie, as with a password
    assert events(dashboard_env)[-1] == ("sign_in", "zhang")


def test_company_account_without_an_entry_is_refused(dashboard_env):
    at = new_app()
    at.secrets = AUTH_SECRETS
    at.user = {"is_logged_in": True, "email": "stranger@corp.example"}
    at.run()
    assert "user" not in at.session_state
    from tests.dashboards.test_untrusted_text import plain

    assert any("stranger@corp.example" in plain(e.value) and "没有对应的仪表盘用户" in e.value for e in at.error)
    assert events(dashboard_env)[-1] == ("refused", "stranger@corp.example")
