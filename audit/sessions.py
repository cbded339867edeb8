"""Dashboard sessions that survive a reload, and the sign-in log.

Signing in gives the browser a cookie that names the user and the session, expires, and is
signed with HMAC-SHA256 under a server secret, so it cannot be forged or extended. The browser
keeps it ``HttpOnly`` (no script on the page can read it); the dashboard's web server sets and
clears it (``dashboards/server.py``), and every new browser session (a reload, a second tab)
reads it back with :func:`user_for`.

A token is ``<payload>.<mac>``, both URL-safe base64: the payload is JSON with the username,
a random session id, the times it was issued and expires, what it is for (``session`` or the
one-minute ``ticket`` that the sign-in page hands the server to have the cookie set) and a tag
of the user's password hash, so changing a password ends the user's sessions. A session is
also over when the users file no longer has the user, or when the sign-in log holds a
``sign_out`` for its id (signing out in one tab ends it everywhere, also on a copied cookie).

The secret is ``$AUDIT_SECRET_KEY``, or the file ``<users file>.secret`` next to the users file,
created with a random key (mode 600) on first use. Replacing it ends every session.

The sign-in log (table ``auth_log``) records sign-ins, failed and refused attempts, lockouts
and sign-outs, with the client's address; :func:`audit.auth.authenticate` reports them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from audit import models
from audit.settings import MIN_SECRET_CHARS, SettingsError, get_settings

COOKIE_NAME = "callaudit_session"
SESSION_TTL_S = 12 * 3600  # a working day: a stolen laptop's session does not outlive the night
TICKET_TTL_S = 60
SECRET_ENV = "AUDIT_SECRET_KEY"
EVENTS = ("sign_in", "failed", "refused", "locked", "sign_out", "expired")
_MAC_PREFIX = b"callaudit-session/1."


class SessionError(ValueError):
    """The session secret cannot be used (the message names the file or variable and the fix)."""


@dataclass(frozen=True)
class Claims:
    """What a signed token says."""

    username: str
    session_id: str
    issued_at: float
    expires_at: float
    password_tag: str
    purpose: str = "session"

    def to_json(self) -> dict:
        return {"u": self.username, "sid": self.session_id, "iat": int(self.issued_at),
                "exp": int(self.expires_at), "pw": self.password_tag, "p": self.purpose}

    @classmethod
    def from_json(cls, data: dict) -> Claims:
        return cls(username=str(data["u"]), session_id=str(data["sid"]), issued_at=float(data["iat"]),
                   expires_at=float(data["exp"]), password_tag=str(data["pw"]), purpose=str(data["p"]))

    def expired(self, now: float | None = None) -> bool:
        return (time.time() if now is None else now) >= self.expires_at


# ----------------------------------------------------------------------------- secret


def secret_file(users_path: str | os.PathLike) -> Path:
    """The file next to the users file that keeps the signing secret."""
    path = Path(users_path)
    return path.with_name(path.name + ".secret")


def load_secret(users_path: str | os.PathLike) -> bytes:
    """The signing secret: ``$AUDIT_SECRET_KEY``, else the secret file (created on first use).

    Raises:
        SessionError: the variable or the file holds fewer than 32 characters, or the file
            cannot be written or read.
    """
    try:
        key = get_settings().secret_key  # its length is checked there
    except SettingsError as exc:
        if SECRET_ENV in exc.variables:  # the dashboard reports a SessionError as "sessions cannot work"
            raise SessionError(str(exc)) from None
        raise
    if key is not None:
        return key.get_secret_value().encode()
    path = secret_file(users_path)
    try:
        # O_EXCL: two dashboard processes starting at once agree on one secret.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    except OSError as exc:
        raise SessionError(f"cannot create the session secret {path}: {exc.strerror or exc}; "
                           f"make its folder writable or set {SECRET_ENV}") from exc
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
    try:
        value = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise SessionError(f"cannot read the session secret {path}: {exc.strerror or exc}") from exc
    if len(value) < MIN_SECRET_CHARS:
        raise SessionError(f"session secret {path} holds fewer than {MIN_SECRET_CHARS} characters; "
                           "delete it to have a new one made (this signs everyone out)")
    return value.encode()


# ----------------------------------------------------------------------------- tokens


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: bytes, body: str) -> str:
    return _b64(hmac.new(secret, _MAC_PREFIX + body.encode("ascii"), hashlib.sha256).digest())


def sign(claims: Claims, secret: bytes) -> str:
    body = _b64(json.dumps(claims.to_json(), sort_keys=True, separators=(",", ":")).encode())
    return f"{body}.{_mac(secret, body)}"


def read(
    token: str | None, secret: bytes, *, purpose: str = "session", now: float | None = None
) -> Claims | None:
    """The claims of a token signed with ``secret`` for ``purpose`` that has not expired; None for
    anything else (malformed, forged, for another purpose, expired)."""
    if not token or len(token) > 4096 or token.count(".") != 1:
        return None
    body, mac = token.split(".")
    try:
        if not hmac.compare_digest(mac.encode("ascii"), _mac(secret, body).encode("ascii")):
            return None
        claims = Claims.from_json(json.loads(_unb64(body)))
    except (ValueError, KeyError, TypeError, UnicodeError):
        return None
    now = time.time() if now is None else now
    if claims.purpose != purpose or claims.expired(now) or claims.issued_at > now + 60:
        return None
    return claims


def password_tag(password_hash: str) -> str:
    """A short tag of the stored hash: a new password ends the sessions signed for the old one."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def new_session(user, *, now: float | None = None, ttl_s: float = SESSION_TTL_S) -> Claims:
    """The claims of a new session for ``user`` (an :class:`audit.auth.User`)."""
    now = int(time.time() if now is None else now)  # whole seconds, as the token keeps them
    return Claims(username=user.username, session_id=secrets.token_hex(16), issued_at=now,
                  expires_at=now + ttl_s, password_tag=password_tag(user.password_hash))


def ticket(claims: Claims, secret: bytes, *, now: float | None = None) -> str:
    """A one-minute, one-use token the sign-in page hands the server to set the cookie for ``claims``.

    The page never holds the cookie's value: the server signs it from the ticket.
    """
    now = time.time() if now is None else now
    data = dict(claims.to_json(), p="ticket", texp=int(now + TICKET_TTL_S))
    body = _b64(json.dumps(data, sort_keys=True, separators=(",", ":")).encode())
    return f"{body}.{_mac(secret, body)}"


class _Used:
    """Ticket ids already redeemed (until they would have expired anyway); thread-safe."""

    def __init__(self) -> None:
        self._until: dict[str, float] = {}
        self._lock = threading.Lock()

    def take(self, key: str, until: float, now: float) -> bool:
        with self._lock:
            for k in [k for k, t in self._until.items() if t < now]:
                del self._until[k]
            if key in self._until:
                return False
            self._until[key] = until
            return True


_USED_TICKETS = _Used()


def redeem(ticket_token: str | None, secret: bytes, *, now: float | None = None) -> tuple[str, Claims] | None:
    """The session cookie value for a valid, unused ticket, and its claims; None otherwise."""
    now = time.time() if now is None else now
    if not ticket_token or ticket_token.count(".") != 1 or len(ticket_token) > 4096:
        return None
    body, mac = ticket_token.split(".")
    try:
        if not hmac.compare_digest(mac.encode("ascii"), _mac(secret, body).encode("ascii")):
            return None
        data = json.loads(_unb64(body))
        if data.get("p") != "ticket" or float(data["texp"]) < now:
            return None
        claims = Claims.from_json(dict(data, p="session"))
    except (ValueError, KeyError, TypeError, UnicodeError):
        return None
    if claims.expired(now) or not _USED_TICKETS.take(claims.session_id, float(data["texp"]), now):
        return None
    return sign(claims, secret), claims


def user_for(token: str | None, users: dict, secret: bytes, *, now: float | None = None, revoked=None):
    """The user and claims of a session cookie, or None when it is not (or no longer) good.

    Args:
        users: The users file as :func:`audit.auth.load_users` reads it.
        revoked: ``revoked(session_id) -> bool`` (the sign-in log's sign-outs).
    """
    claims = read(token, secret, now=now)
    if claims is None:
        return None
    user = users.get(claims.username)
    if user is None or not hmac.compare_digest(password_tag(user.password_hash), claims.password_tag):
        return None
    if revoked is not None and revoked(claims.session_id):
        return None
    return user, claims


# ----------------------------------------------------------------------------- sign-in log

LOG = models.table_of(models.AuthLog)


def record(db, event: str, username: str, *, address: str | None = None, session_id: str | None = None,
           detail: str = "") -> None:
    """Append one event to the sign-in log (``db``: an engine)."""
    if event not in EVENTS:
        raise ValueError(f"unknown sign-in event {event!r}; one of {', '.join(EVENTS)}")
    with db.begin() as conn:
        conn.execute(LOG.insert().values(at=datetime.now(UTC), event=event, username=username[:64],
                                         address=(address or None) and address[:64], session_id=session_id,
                                         detail=detail))


def is_revoked(db, session_id: str) -> bool:
    """Whether the session was signed out (in any tab, on any server sharing the database)."""
    with db.connect() as conn:
        return conn.execute(sa.select(LOG.c.id).where(LOG.c.session_id == session_id,
                                                      LOG.c.event == "sign_out").limit(1)).first() is not None


@dataclass(frozen=True)
class AuthEvent:
    at: datetime
    event: str
    username: str
    address: str | None
    session_id: str | None
    detail: str


def recent(db, *, limit: int = 200, username: str | None = None) -> list[AuthEvent]:
    """The newest sign-in events first."""
    q = sa.select(LOG.c.at, LOG.c.event, LOG.c.username, LOG.c.address, LOG.c.session_id, LOG.c.detail)
    if username is not None:
        q = q.where(LOG.c.username == username)
    with db.connect() as conn:
        rows = conn.execute(q.order_by(LOG.c.at.desc(), LOG.c.id.desc()).limit(limit)).all()
    out = []
    for r in rows:
        at = r.at if r.at.tzinfo else r.at.replace(tzinfo=UTC)
        out.append(AuthEvent(at, r.event, r.username, r.address, r.session_id, r.detail or ""))
    return out
