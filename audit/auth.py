"""Dashboard users: a config file of hashed passwords and roles.

The file is TOML (``users.toml``) or YAML (``users.yaml``), one entry per user::

    [users.wang]
    name = "王主管"
    role = "supervisor"          # admin | supervisor | team_lead | agent
    password = "scrypt$16384$8$1$<salt>$<hash>"

    [users.li]
    role = "team_lead"
    team = "一组"                # required for a team lead

    [users.A017]
    role = "agent"
    agent_id = "A017"            # required for an agent
    see_pii = false              # optional; default true for admin only
    lang = "en"                  # optional; the dashboard's language for this user (default Chinese)
    email = "li.na@corp.example" # optional; the company sign-in (OIDC) account that is this user

Passwords are never stored in clear: ``audit users add NAME --role ROLE`` (:mod:`audit.cli.users`)
asks for the password and writes its salted ``hashlib.scrypt`` hash into the file.
``AUDIT_USERS_FILE`` names the file when ``--users`` is not given; the default is ``users.toml``
in the working directory.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import math
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audit.queries import Scope
from audit.throttle import LOGIN_THROTTLE, LoginThrottle, Throttled  # the login page catches auth.Throttled

log = logging.getLogger(__name__)

ROLES = ("admin", "supervisor", "team_lead", "agent")
DEFAULT_USERS_FILE = "users.toml"
# scrypt cost: ~50 ms per check on one core, enough to make offline guessing expensive.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P, _DKLEN = 2**14, 8, 1, 32
# Checked for usernames that do not exist: the same scrypt work as a real check (same cost
# parameters, same salt and digest lengths), so response time does not reveal which exist.
_UNKNOWN_USER_HASH = "$".join(["scrypt", str(_SCRYPT_N), str(_SCRYPT_R), str(_SCRYPT_P),
                               base64.b64encode(bytes(16)).decode(),
                               base64.b64encode(bytes(_DKLEN)).decode()])


class AuthConfigError(ValueError):
    """The users file is missing, unreadable or has an invalid entry (the message names it)."""


@dataclass(frozen=True)
class User:
    """A dashboard user and what they may see.

    Attributes:
        username: Login name (the key in the users file).
        role: admin | supervisor | team_lead | agent.
        name: Display name.
        team: The team a team lead leads.
        agent_id: The agent an agent user is.
        see_pii: Whether phone, ID-card and bank-card numbers are shown unmasked.
        password_hash: ``scrypt$N$r$p$salt$hash`` (base64 parts).
        lang: The user's dashboard language (``zh_CN`` or ``en``); None: the server's default.
        email: The company identity provider's e-mail for this user (sign-in with ``st.login``,
            see docs/auth.md); None: password sign-in only.
    """

    username: str
    role: str
    name: str = ""
    team: str | None = None
    agent_id: str | None = None
    see_pii: bool = False
    password_hash: str = ""
    lang: str | None = None
    email: str | None = None

    @property
    def scope(self) -> Scope:
        """The slice of the data this user may see; every query takes it."""
        if self.role == "agent":
            return Scope(agent_id=self.agent_id)
        if self.role == "team_lead":
            return Scope(team=self.team)
        return Scope()

    @property
    def display_name(self) -> str:
        return self.name or self.username


def users_file(path: str | os.PathLike | None = None) -> Path:
    """Resolve the users file: explicit path, then ``AUDIT_USERS_FILE``, then ``users.toml``."""
    return Path(path or os.environ.get("AUDIT_USERS_FILE") or DEFAULT_USERS_FILE)


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """Hash ``password`` with scrypt and a random 16-byte salt.

    Returns:
        ``scrypt$N$r$p$<salt b64>$<hash b64>``, the string stored in the users file.
    """
    if not password:
        raise ValueError("empty password")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P,
                            dklen=_DKLEN, maxmem=64 * 1024 * 1024)
    b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${b64(salt)}${b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """Check ``password`` against a stored hash in constant time; a malformed hash never matches."""
    try:
        algo, n, r, p, salt_b64, hash_b64 = stored.split("$")
        if algo != "scrypt":
            return False
        expected = base64.b64decode(hash_b64)
        digest = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt_b64), n=int(n), r=int(r),
                                p=int(p), dklen=len(expected), maxmem=64 * 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, expected)


def _read_raw(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise AuthConfigError(
            f"users file {path} not found; create it with `audit users add NAME --role admin --users {path}`"
        )
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(text) or {}
        else:
            import tomllib

            data = tomllib.loads(text)
    except Exception as exc:  # the parsers raise different types; all mean "fix the syntax"
        raise AuthConfigError(f"users file {path} is not valid {path.suffix.lstrip('.') or 'TOML'}: {exc}") from exc
    if not isinstance(data, dict):
        raise AuthConfigError(f"users file {path}: expected a table `users` at the top level")
    return data


def _parse_user(path: Path, username: str, entry: Any) -> User:
    where = f"users file {path}, user {username!r}"
    if not isinstance(entry, dict):
        raise AuthConfigError(f"{where}: expected a table with role and password")
    unknown = set(entry) - {"name", "role", "team", "agent_id", "see_pii", "password", "lang", "email"}
    if unknown:
        raise AuthConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    role = entry.get("role")
    if role not in ROLES:
        raise AuthConfigError(f"{where}: role {role!r} is not one of {', '.join(ROLES)}")
    password = entry.get("password")
    if not isinstance(password, str) or not password.startswith("scrypt$") or password.count("$") != 5:
        raise AuthConfigError(
            f"{where}: `password` must be a scrypt hash, not clear text; set it with "
            f"`audit users add {username} --role {role} --users {path}`"
        )
    team = entry.get("team")
    agent_id = entry.get("agent_id")
    if role == "team_lead" and not team:
        raise AuthConfigError(f"{where}: a team_lead needs `team = \"...\"` (the team they lead)")
    if role == "agent" and not agent_id:
        raise AuthConfigError(f"{where}: an agent needs `agent_id = \"...\"` (their agent id in the dialer log)")
    see_pii = entry.get("see_pii", role == "admin")
    if not isinstance(see_pii, bool):
        raise AuthConfigError(f"{where}: `see_pii` must be true or false")
    lang = entry.get("lang")
    if lang is not None:
        from audit.i18n import normalize_lang

        try:
            lang = normalize_lang(lang)
        except ValueError as exc:
            raise AuthConfigError(f"{where}: `lang`: {exc}") from None
    email = entry.get("email")
    if email is not None and (not isinstance(email, str) or "@" not in email):
        raise AuthConfigError(
            f"{where}: `email` must be the identity provider's e-mail address, like a@corp.cn"
        )
    return User(username=username, role=role, name=str(entry.get("name", "")), team=team or None,
                agent_id=agent_id or None, see_pii=see_pii, password_hash=password, lang=lang,
                email=email.strip().lower() if email else None)


def user_for_email(users: dict[str, User], email: str | None) -> User | None:
    """The users-file entry whose ``email`` is the identity provider's (case-insensitive), if one is."""
    if not email:
        return None
    wanted = email.strip().lower()
    matches = [u for u in users.values() if u.email == wanted]
    return matches[0] if len(matches) == 1 else None


def load_users(path: str | os.PathLike | None = None) -> dict[str, User]:
    """Read and validate the users file.

    Raises:
        AuthConfigError: The file is missing or invalid; the message names the file, the user
            and the fix.
    """
    path = users_file(path)
    data = _read_raw(path)
    users = data.get("users", {})
    if not isinstance(users, dict):
        raise AuthConfigError(f"users file {path}: `users` must be a table of user entries")
    return {str(name): _parse_user(path, str(name), entry) for name, entry in users.items()}


def authenticate(users: dict[str, User], username: str, password: str, *, address: str | None = None,
                 throttle: LoginThrottle | None = None, on_event=None) -> User | None:
    """The user if ``password`` is right, else None (also for unknown users, in the same time).

    Args:
        address: The client's address, when the server knows it (throttled separately).
        throttle: Counts failures; default: the process-wide :data:`audit.throttle.LOGIN_THROTTLE`.
        on_event: ``on_event(event, username, address, detail)`` for the sign-in log
            (:func:`audit.sessions.record`): ``refused`` (throttled, password not checked),
            ``failed``, ``locked`` (this failure locked the account) and ``sign_in``.

    Raises:
        Throttled: Too many recent failures for this username or address; the password was
            not checked (see :mod:`audit.throttle`).
    """
    throttle = LOGIN_THROTTLE if throttle is None else throttle
    source = f" from {address}" if address else ""
    report = on_event or (lambda *_args: None)
    try:
        throttle.begin(username, address)
    except Throttled as exc:
        log.warning("sign-in as %r%s refused unchecked: %s", username, source, exc)
        report("refused", username, address, str(exc))
        raise
    user = users.get(username)
    if verify_password(password, user.password_hash if user is not None else _UNKNOWN_USER_HASH) and user:
        throttle.succeeded(username, address)
        report("sign_in", username, address, "")
        return user
    failures, locked_s = throttle.failed(username, address)
    log.warning("failed sign-in as %r%s (%s user; %d failed attempt(s) within %d min)", username, source,
                "known" if user else "unknown", failures, throttle.policy.window_s // 60)
    report(
        "failed",
        username,
        address,
        f"{'known' if user else 'unknown'} user; {failures} failed attempt(s) "
        f"within {throttle.policy.window_s // 60} min",
    )
    if locked_s:
        log.warning("sign-in as %r locked for %d s after %d failed attempts", username,
                    math.ceil(locked_s), failures)
        report(
            "locked",
            username,
            address,
            f"locked for {math.ceil(locked_s)} s after {failures} failed attempts",
        )
    return None


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    # JSON string escapes are valid TOML basic-string escapes.
    return json.dumps(str(value), ensure_ascii=False)


def _dump_toml(data: dict[str, Any]) -> str:
    lines = ["# Dashboard users; manage with `audit users add`. Passwords are scrypt hashes.", ""]
    for name, entry in data.get("users", {}).items():
        lines.append(f"[users.{json.dumps(str(name), ensure_ascii=False)}]")
        lines += [f"{key} = {_toml_value(val)}" for key, val in entry.items() if val is not None]
        lines.append("")
    return "\n".join(lines)


def add_user(path: str | os.PathLike | None, username: str, password: str, *, role: str,
             team: str | None = None, agent_id: str | None = None, name: str = "",
             see_pii: bool | None = None, lang: str | None = None, email: str | None = None) -> User:
    """Add or replace a user in the users file (created if missing), storing a password hash.

    Raises:
        AuthConfigError: The existing file is invalid, or the entry would be (e.g. an agent
            without ``agent_id``).
    """
    path = users_file(path)
    data = _read_raw(path) if path.exists() else {}
    users = dict(data.get("users", {}))
    entry: dict[str, Any] = {"name": name or None, "role": role, "team": team, "agent_id": agent_id,
                             "see_pii": see_pii, "password": hash_password(password), "lang": lang,
                             "email": email}
    entry = {k: v for k, v in entry.items() if v is not None}
    user = _parse_user(path, username, entry)  # validate before writing anything
    users[username] = entry
    data["users"] = users
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    else:
        text = _dump_toml(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.chmod(tmp, 0o600)  # hashes are still worth protecting
    tmp.replace(path)
    return user
