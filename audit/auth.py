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
import logging
import math
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import (
    BaseModel,
    ConfigDict,
    StrictBool,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from audit.read.scope import Scope
from audit.settings import get_settings
from audit.throttle import LOGIN_THROTTLE, LoginThrottle, Throttled  # the login page catches auth.Throttled

log = logging.getLogger(__name__)

ROLES = ("admin", "supervisor", "team_lead", "agent")
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
    return Path(path or get_settings().users_file)


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


class UserEntry(BaseModel):
    """One ``[users.NAME]`` table of the users file, as written (validated before it is used)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: str
    password: str
    name: str = ""
    team: str | None = None
    agent_id: str | None = None
    see_pii: StrictBool | None = None  # None: the role's default (admin only)
    lang: str | None = None
    email: str | None = None

    @field_validator("name", "team", "agent_id", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        # YAML reads `agent_id: 1017` as a number; the dialer log's ids are text
        return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value

    @field_validator("role")
    @classmethod
    def _known_role(cls, role: str) -> str:
        if role not in ROLES:
            raise ValueError(f"role {role!r} is not one of {', '.join(ROLES)}")
        return role

    @field_validator("password")
    @classmethod
    def _hashed(cls, password: str, info: ValidationInfo) -> str:
        if not password.startswith("scrypt$") or password.count("$") != 5:
            ctx = info.context or {}
            raise ValueError(f"`password` must be a scrypt hash, not clear text; set it with `audit users add "
                             f"{ctx.get('username', 'NAME')} --role {info.data.get('role', 'ROLE')} --users "
                             f"{ctx.get('path', 'FILE')}`")
        return password

    @field_validator("lang")
    @classmethod
    def _language(cls, lang: str | None) -> str | None:
        from audit.i18n import normalize_lang

        if lang is None:
            return None
        try:
            return normalize_lang(lang)
        except ValueError as exc:
            raise ValueError(f"`lang`: {exc}") from None

    @field_validator("email")
    @classmethod
    def _address(cls, email: str | None) -> str | None:
        if email is not None and "@" not in email:
            raise ValueError("`email` must be the identity provider's e-mail address, like a@corp.cn")
        return email.strip().lower() if email else None

    @model_validator(mode="after")
    def _scope_is_complete(self) -> UserEntry:
        if self.role == "team_lead" and not self.team:
            raise ValueError("a team_lead needs `team = \"...\"` (the team they lead)")
        if self.role == "agent" and not self.agent_id:
            raise ValueError("an agent needs `agent_id = \"...\"` (their agent id in the dialer log)")
        return self

    def user(self, username: str) -> User:
        """The dashboard user this entry describes."""
        see_pii = self.role == "admin" if self.see_pii is None else self.see_pii
        return User(username=username, role=self.role, name=self.name, team=self.team or None,
                    agent_id=self.agent_id or None, see_pii=see_pii, password_hash=self.password,
                    lang=self.lang, email=self.email)


# what a pydantic error type means in a users file, where its own message would be vague
_MESSAGES = {"bool_type": "must be true or false", "bool_parsing": "must be true or false",
             "string_type": "must be text in quotes", "missing": "is missing; add it"}


def _entry_errors(exc: ValidationError) -> str:
    """The problems of one entry, one clause each, the way the file names its keys."""
    unknown = sorted(str(e["loc"][0]) for e in exc.errors() if e["type"] == "extra_forbidden")
    parts = [f"unknown key(s) {', '.join(unknown)}"] if unknown else []
    for err in exc.errors():
        if err["type"] == "extra_forbidden":
            continue
        msg = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "value_error":  # our validators' messages say which key they are about
            parts.append(msg)
        else:
            parts.append(f"`{'.'.join(map(str, err['loc']))}` {_MESSAGES.get(err['type'], msg)}")
    return "; ".join(parts)


def _parse_user(path: Path, username: str, entry: Any) -> User:
    where = f"users file {path}, user {username!r}"
    if not isinstance(entry, dict):
        raise AuthConfigError(f"{where}: expected a table with role and password")
    try:
        return UserEntry.model_validate(entry, context={"username": username, "path": path}).user(username)
    except ValidationError as exc:
        raise AuthConfigError(f"{where}: {_entry_errors(exc)}") from None


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


def _dump_toml(data: dict[str, Any]) -> str:
    users = {str(name): {k: v for k, v in entry.items() if v is not None}
             for name, entry in data.get("users", {}).items()}
    return ("# Dashboard users; manage with `audit users add`. Passwords are scrypt hashes.\n\n"
            + tomli_w.dumps({"users": users}))


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
