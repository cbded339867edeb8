"""Sign-in throttling (audit.throttle through audit.auth.authenticate): guessing is slowed down,
then locked out, refused attempts never reach the password check, a success resets, unknown
usernames cost the same scrypt work as known ones, and every failure is logged without the
password."""

from __future__ import annotations

import hashlib
import logging
import threading

import pytest

from audit import auth
from audit.auth import Throttled, authenticate, hash_password
from audit.throttle import LOGIN_THROTTLE, LoginThrottle, Policy

PASSWORD = "right-pw"


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def users() -> dict[str, auth.User]:
    return {"wang": auth.User("wang", "supervisor", password_hash=hash_password(PASSWORD)),
            "li": auth.User("li", "team_lead", team="一组", password_hash=hash_password("li-pw"))}


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def throttle(clock) -> LoginThrottle:
    return LoginThrottle(clock=clock)


@pytest.fixture
def checks(monkeypatch) -> list[str]:
    """The passwords that reached verify_password, in order."""
    seen: list[str] = []
    real = auth.verify_password

    def counting(password, stored):
        seen.append(password)
        return real(password, stored)

    monkeypatch.setattr(auth, "verify_password", counting)
    return seen


def attempt(users, throttle, password, username="wang", address=None):
    """The user, None (wrong password) or the Throttled refusal."""
    try:
        return authenticate(users, username, password, address=address, throttle=throttle)
    except Throttled as exc:
        return exc


def fail_until_locked(users, throttle, clock) -> None:
    """Wrong passwords, waiting out each delay, until the account is locked."""
    for _ in range(100):
        result = attempt(users, throttle, "guess")
        if isinstance(result, Throttled):
            if result.locked:
                return
            clock.now += result.retry_after_s
    raise AssertionError("never locked")


def test_25_wrong_passwords_in_23_s_are_mostly_refused_unchecked(users, throttle, clock, checks):
    results = []
    for i in range(25):
        clock.now = 1000.0 + i * 23 / 24
        results.append(attempt(users, throttle, f"guess-{i}"))
    refused = [r for r in results if isinstance(r, Throttled)]
    # 5 free failures, then delays of 1, 2, 4, 8 s: at most 9 checks fit into 23 s
    assert 5 <= len(checks) <= 9 and len(refused) == 25 - len(checks) >= 16
    assert results[:5] == [None] * 5 and isinstance(results[5], Throttled)
    assert all(p.startswith("guess-") for p in checks)  # every refused guess went unchecked
    assert str(refused[-1]).startswith("too many failed sign-ins; try again in ")
    before = len(checks)
    assert isinstance(attempt(users, throttle, PASSWORD), Throttled)  # even the right one, right now
    assert len(checks) == before


def test_the_right_password_is_refused_while_locked_and_works_after_the_lock(users, throttle, clock, checks):
    fail_until_locked(users, throttle, clock)
    assert len(checks) == 10  # Policy().lock_after
    locked = attempt(users, throttle, PASSWORD)
    assert isinstance(locked, Throttled) and locked.locked and str(locked) == \
        "too many failed sign-ins; try again in 900 s"
    assert len(checks) == 10  # refused unchecked
    clock.now += 899
    assert isinstance(attempt(users, throttle, PASSWORD), Throttled)
    clock.now += 1
    assert attempt(users, throttle, PASSWORD) == users["wang"]
    assert attempt(users, throttle, "one more typo") is None  # a clean slate: no delay


def test_a_success_resets_the_count(users, throttle, clock):
    for _ in range(4):
        assert attempt(users, throttle, "typo") is None
    assert attempt(users, throttle, PASSWORD) == users["wang"]
    for _ in range(5):  # would be the 5th..9th failure in a row without the reset
        assert attempt(users, throttle, "typo") is None
    assert isinstance(attempt(users, throttle, PASSWORD), Throttled)  # the 5 since count


def test_other_users_are_not_held_up(users, throttle, clock):
    fail_until_locked(users, throttle, clock)
    assert attempt(users, throttle, "li-pw", username="li") == users["li"]


def test_unknown_usernames_are_throttled_alike_and_cost_the_same_scrypt(users, throttle, monkeypatch):
    work = []
    real = hashlib.scrypt

    def recording(password, **kwargs):
        work.append((kwargs["n"], kwargs["r"], kwargs["p"], kwargs["dklen"], len(kwargs["salt"])))
        return real(password, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", recording)
    assert attempt(users, throttle, "guess", username="wang") is None
    assert attempt(users, throttle, "guess", username="nobody") is None
    assert work[0] == work[1] == (2**14, 8, 1, 32, 16)
    for _ in range(4):
        attempt(users, throttle, "guess", username="nobody")
    assert isinstance(attempt(users, throttle, "guess", username="nobody"), Throttled)  # same as a real user


def test_one_address_guessing_many_usernames_is_slowed(users, clock, checks):
    throttle = LoginThrottle(clock=clock, address_policy=Policy(free_failures=3, lock_after=6))
    for i in range(3):
        assert attempt(users, throttle, "guess", username=f"user{i}", address="10.0.0.7") is None
    assert isinstance(attempt(users, throttle, "guess", username="user9", address="10.0.0.7"), Throttled)
    assert attempt(users, throttle, "guess", username="user9", address="10.0.0.8") is None  # another place
    # behind a local reverse proxy everyone is 127.0.0.1: that must not lock everyone out
    for i in range(5):
        assert attempt(users, throttle, "guess", username=f"user{i}", address="127.0.0.1") is None


def test_a_burst_of_simultaneous_guesses_gets_no_more_checks(users, throttle, checks):
    """Every attempt counts from the moment it is let through, not once its hash is done."""
    start = threading.Barrier(20)
    results = []

    def guess(i):
        start.wait()
        results.append(attempt(users, throttle, f"parallel-{i}"))

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(checks) == 5 and sum(isinstance(r, Throttled) for r in results) == 15


def test_failures_and_lockouts_are_logged_without_the_password(users, throttle, clock, caplog):
    caplog.set_level(logging.WARNING)
    fail_until_locked(users, throttle, clock)
    attempt(users, throttle, PASSWORD, address="10.0.0.7")
    text = caplog.text
    assert "failed sign-in as 'wang'" in text and "locked for 900 s after 10 failed attempts" in text
    assert "sign-in as 'wang' from 10.0.0.7 refused unchecked" in text
    assert "guess" not in text and PASSWORD not in text


def test_memory_is_bounded_when_usernames_are_invented(users, clock):
    throttle = LoginThrottle(clock=clock, max_keys=50)
    for i in range(200):
        attempt(users, throttle, "guess", username=f"made-up-{i}")
    assert len(throttle._records) <= 50


def test_the_server_wide_throttle_is_the_default(users, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(LOGIN_THROTTLE, "clock", clock)
    for _ in range(5):
        assert authenticate(users, "wang", "typo") is None
    with pytest.raises(Throttled):
        authenticate(users, "wang", PASSWORD)
    assert LOGIN_THROTTLE.retry_after("wang") == 1.0
