"""Signed sessions and the sign-in log (audit.sessions), and what authenticate reports to it."""

from __future__ import annotations

import os
import stat

import pytest

from audit import auth, sessions
from audit.throttle import LoginThrottle, Policy

SECRET = b"k" * 64


@pytest.fixture
def users(tmp_path):
    path = tmp_path / "users.toml"
    auth.add_user(path, "wang", "wang-pw", role="supervisor")
    auth.add_user(path, "li", "li-pw", role="team_lead", team="一组", lang="en")
    return auth.load_users(path)


def cookie(user, now=1000.0, **kwargs):
    claims = sessions.new_session(user, now=now, **kwargs)
    return sessions.sign(claims, SECRET), claims


def test_a_signed_session_names_its_user_until_it_expires(users):
    token, claims = cookie(users["wang"])
    user, read = sessions.user_for(token, users, SECRET, now=1000.0 + 3600)
    assert user.username == "wang" and read == claims
    assert sessions.user_for(token, users, SECRET, now=1000.0 + sessions.SESSION_TTL_S) is None  # expired
    assert sessions.user_for(token, users, b"x" * 64, now=1001.0) is None  # another server's secret


@pytest.mark.parametrize("tamper", [
    lambda t: t[:-2] + ("AA" if t[-2:] != "AA" else "BB"),  # the MAC
    lambda t: t.replace(t.split(".")[0], t.split(".")[0][::-1]),  # the payload
    lambda t: t + ".x",
    lambda t: "",
    lambda t: "a" * 5000,
])
def test_a_changed_cookie_is_refused(users, tamper):
    token, _ = cookie(users["wang"])
    assert sessions.user_for(tamper(token), users, SECRET, now=1001.0) is None


def test_a_cookie_cannot_be_rewritten_for_another_user(users):
    import base64
    import json

    token, _ = cookie(users["li"])
    body, mac = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    data["u"] = "wang"
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode() + "." + mac
    assert sessions.user_for(forged, users, SECRET, now=1001.0) is None


def test_a_new_password_or_a_removed_user_ends_the_session(users, tmp_path):
    token, _ = cookie(users["wang"])
    path = tmp_path / "users.toml"
    auth.add_user(path, "wang", "new-pw", role="supervisor")
    assert sessions.user_for(token, auth.load_users(path), SECRET, now=1001.0) is None
    assert sessions.user_for(token, {"li": users["li"]}, SECRET, now=1001.0) is None


def test_a_signed_out_session_is_over(users):
    token, claims = cookie(users["wang"])
    assert (
        sessions.user_for(token, users, SECRET, now=1001.0, revoked=lambda sid: sid == claims.session_id)
        is None
    )


def test_a_ticket_is_good_once_for_a_minute(users):
    claims = sessions.new_session(users["wang"], now=1000.0)
    ticket = sessions.ticket(claims, SECRET, now=1000.0)
    assert sessions.read(ticket, SECRET, now=1001.0) is None  # a ticket is no session cookie
    late = sessions.ticket(sessions.new_session(users["wang"], now=1000.0), SECRET, now=1000.0)
    assert sessions.redeem(late, SECRET, now=1000.0 + sessions.TICKET_TTL_S + 1) is None
    token, redeemed = sessions.redeem(ticket, SECRET, now=1010.0)
    assert redeemed == claims and token != ticket
    assert sessions.user_for(token, users, SECRET, now=1011.0)[0].username == "wang"
    assert sessions.redeem(ticket, SECRET, now=1011.0) is None  # used
    assert sessions.redeem(sessions.sign(claims, SECRET), SECRET, now=1011.0) is None  # a cookie is no ticket


def test_the_secret_file_is_made_once_next_to_the_users_file(tmp_path, monkeypatch):
    monkeypatch.delenv(sessions.SECRET_ENV, raising=False)
    users = tmp_path / "users.toml"
    first = sessions.load_secret(users)
    path = sessions.secret_file(users)
    assert path == tmp_path / "users.toml.secret" and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert sessions.load_secret(users) == first and len(first) >= 32
    path.write_text("short\n")
    with pytest.raises(sessions.SessionError, match="delete it"):
        sessions.load_secret(users)
    monkeypatch.setenv(sessions.SECRET_ENV, "s" * 40)
    assert sessions.load_secret(users) == b"s" * 40
    monkeypatch.setenv(sessions.SECRET_ENV, "too-short")
    with pytest.raises(sessions.SessionError, match="at least 32"):
        sessions.load_secret(users)


def test_sign_in_log_and_revocation(engine):
    sessions.record(engine, "sign_in", "wang", address="10.0.0.7", session_id="abc")
    sessions.record(engine, "failed", "li", address="10.0.0.8", detail="known user; 1 failed attempt(s)")
    assert not sessions.is_revoked(engine, "abc")
    sessions.record(engine, "sign_out", "wang", session_id="abc")
    assert sessions.is_revoked(engine, "abc") and not sessions.is_revoked(engine, "other")
    events = sessions.recent(engine)
    assert [(e.event, e.username) for e in events] == [
        ("sign_out", "wang"),
        ("failed", "li"),
        ("sign_in", "wang"),
    ]
    assert events[2].address == "10.0.0.7" and events[0].at.tzinfo is not None
    assert [e.event for e in sessions.recent(engine, username="li")] == ["failed"]
    with pytest.raises(ValueError, match="unknown sign-in event"):
        sessions.record(engine, "hacked", "wang")


def test_authenticate_reports_every_attempt(users):
    seen = []
    throttle = LoginThrottle(Policy(free_failures=1, lock_after=3, base_delay_s=0.0))

    def report(*event):
        seen.append(event[0])

    assert auth.authenticate(users, "wang", "wang-pw", address="10.0.0.7", throttle=throttle, on_event=report)
    for _ in range(3):
        assert auth.authenticate(users, "li", "guess", throttle=throttle, on_event=report) is None
    with pytest.raises(auth.Throttled):
        auth.authenticate(users, "li", "li-pw", throttle=throttle, on_event=report)
    assert seen == ["sign_in", "failed", "failed", "failed", "locked", "refused"]


def test_users_file_language(users, tmp_path):
    assert users["li"].lang == "en" and users["wang"].lang is None
    bad = tmp_path / "bad.toml"
    bad.write_text(f'[users.x]\nrole = "admin"\nlang = "fr"\npassword = "{users["wang"].password_hash}"\n')
    with pytest.raises(auth.AuthConfigError, match="`lang`"):
        auth.load_users(bad)
