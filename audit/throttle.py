"""Sign-in throttling: slow down, then lock out, password guessing.

scrypt makes each guess cost ~50 ms of CPU, which still allows tens of guesses per second
against the dashboard. :class:`LoginThrottle` counts failed sign-ins per username (and per
client address, when the server knows it) over a window: after ``free_failures`` each further
attempt must wait a delay that doubles with every failure, and after ``lock_after`` the key is
locked for ``lock_s``. A refused attempt is refused *before* the password is checked, so it
costs no hashing and tells nothing about the password. A successful sign-in clears the
username's record.

Every attempt counts as a failure from the moment it is let through until it succeeds: a burst
of simultaneous guesses (many browser tabs, a script) cannot all slip past the check before
the first one has been counted.

The state lives in this module (:data:`LOGIN_THROTTLE`), guarded by a lock: Streamlit reruns a
page on every click and runs each browser session in its own thread, but all of them share
the server process, and so the counts. A server restart forgets them, which only gives an
attacker the restart's worth of attempts back. No Streamlit here: the dashboard's login page
only calls :func:`audit.auth.authenticate`.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Policy:
    """How many failures within ``window_s`` are free, delayed, or lock the key.

    Attributes:
        free_failures: Failures in the window before attempts are delayed.
        lock_after: Failures in the window that lock the key for ``lock_s``.
        window_s: How long a failure is remembered.
        base_delay_s: Delay after the ``free_failures``-th failure; doubles with each further one.
        max_delay_s: Upper bound of the delay.
        lock_s: How long a locked key refuses every attempt, the right password included.
    """

    free_failures: int = 5
    lock_after: int = 10
    window_s: float = 15 * 60
    base_delay_s: float = 1.0
    max_delay_s: float = 5 * 60
    lock_s: float = 15 * 60

    def delay(self, failures: int) -> float:
        """Seconds to wait after the latest of ``failures`` failures before the next attempt."""
        if failures < self.free_failures:
            return 0.0
        return min(self.max_delay_s, self.base_delay_s * 2 ** (failures - self.free_failures))


# One client address is often many people (an office behind NAT, a call centre's proxy): it
# gets more room than a single username before it slows everyone down.
ADDRESS_POLICY = Policy(free_failures=20, lock_after=50)


class Throttled(Exception):
    """A sign-in refused without checking the password; ``retry_after_s`` says for how long."""

    def __init__(self, retry_after_s: float, locked: bool):
        self.retry_after_s = retry_after_s
        self.locked = locked
        super().__init__(f"too many failed sign-ins; try again in {math.ceil(retry_after_s)} s")


@dataclass
class _Record:
    failures: deque = field(default_factory=deque)  # clock readings of the failures in the window
    locked_until: float = 0.0
    last: float = 0.0


def _loopback(address: str) -> bool:
    # Behind a reverse proxy on the same machine every client arrives from the loopback
    # address: keying on it would let one guesser lock everyone out.
    return address in ("::1", "localhost") or address.startswith("127.")


class LoginThrottle:
    """Failed sign-ins per username and per client address; thread-safe.

    Args:
        policy: Limits per username.
        address_policy: Limits per client address.
        clock: Monotonic seconds (tests pass a fake one).
        max_keys: Records kept at most; invented usernames must not grow memory without bound.
    """

    def __init__(self, policy: Policy = Policy(), address_policy: Policy = ADDRESS_POLICY,
                 clock: Callable[[], float] = time.monotonic, max_keys: int = 10_000):
        self.policy, self.address_policy = policy, address_policy
        self.clock, self.max_keys = clock, max_keys
        self._records: dict[tuple[str, str], _Record] = {}
        self._lock = threading.Lock()

    def _keys(self, username: str, address: str | None) -> list[tuple[tuple[str, str], Policy]]:
        keys = [(("user", username), self.policy)]
        if address and not _loopback(address):
            keys.append((("address", address), self.address_policy))
        return keys

    def _wait(self, record: _Record, policy: Policy, now: float) -> tuple[float, bool]:
        """Seconds this key must still wait (0: may try) and whether it is locked; forgets
        failures that left the window and locks that ran out."""
        if record.locked_until:
            if now < record.locked_until:
                return record.locked_until - now, True
            record.failures.clear()  # served its lock: a clean slate
            record.locked_until = 0.0
        while record.failures and now - record.failures[0] >= policy.window_s:
            record.failures.popleft()
        if not record.failures:
            return 0.0, False
        return max(0.0, record.failures[-1] + policy.delay(len(record.failures)) - now), False

    def retry_after(self, username: str, address: str | None = None) -> float:
        """Seconds until ``username`` (from ``address``) may try again; 0 when it may now."""
        now = self.clock()
        with self._lock:
            return max([self._wait(r, p, now)[0] for k, p in self._keys(username, address)
                        if (r := self._records.get(k))] or [0.0])

    def begin(self, username: str, address: str | None = None) -> None:
        """Let an attempt through, counted as a failure until :meth:`succeeded` is called.

        Raises:
            Throttled: The username or the address must wait, or is locked. Nothing is counted.
        """
        now = self.clock()
        with self._lock:
            keys = self._keys(username, address)
            waits = [self._wait(self._records[k], p, now) for k, p in keys if k in self._records]
            wait, locked = max(waits, default=(0.0, False))
            if wait > 0:
                raise Throttled(wait, locked)
            for key, policy in keys:
                record = self._records.setdefault(key, _Record())
                record.failures.append(now)
                record.last = now
                if len(record.failures) >= policy.lock_after:
                    record.locked_until = now + policy.lock_s
            self._forget_some(now)

    def failed(self, username: str, address: str | None = None) -> tuple[int, float]:
        """The attempt let through by :meth:`begin` failed: returns the username's failures in
        the window and, when that locked it, the lock's seconds (else 0)."""
        now = self.clock()
        with self._lock:
            record = self._records.get(("user", username))
            if record is None:
                return 0, 0.0
            return len(record.failures), max(0.0, record.locked_until - now)

    def succeeded(self, username: str, address: str | None = None) -> None:
        """The right password: forget the username's failures.

        The address keeps its count: one valid account must not reset the counter that stops
        guessing at many usernames from one place (the attempt just made is taken off it).
        """
        with self._lock:
            self._records.pop(("user", username), None)
            if address and not _loopback(address):
                record = self._records.get(("address", address))
                if record and record.failures and not record.locked_until:
                    record.failures.pop()

    def reset(self) -> None:
        """Forget everything (tests; an administrator's restart does the same)."""
        with self._lock:
            self._records.clear()

    def _forget_some(self, now: float) -> None:
        if len(self._records) <= self.max_keys:
            return
        for key, record in list(self._records.items()):  # first what no longer matters
            policy = self.policy if key[0] == "user" else self.address_policy
            if now >= record.locked_until and now - record.last >= policy.window_s:
                del self._records[key]
        if len(self._records) > self.max_keys:  # then the longest quiet, locks last
            records = self._records
            by_age = sorted(records, key=lambda k: (records[k].locked_until > now, records[k].last))
            for key in by_age[:len(self._records) - self.max_keys]:
                del self._records[key]


LOGIN_THROTTLE = LoginThrottle()
"""The dashboard server's throttle, shared by every session of the process."""
