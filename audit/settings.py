"""Every environment variable callaudit reads, in one validated object.

:func:`get_settings` returns a :class:`Settings` built from the environment as it is *now*: a
command-line option that sets a variable for a child process (``audit dashboard --lang en``) and a
test's ``monkeypatch.setenv`` are both seen on the next call, without a reset. The object is
cached per snapshot of the variables, so the hot paths that ask for it (every translated text
asks for the default language) pay for reading a few variables, not for validating them again.

A bad value fails at once with :class:`SettingsError`, whose one-line message names the variable
and the fix; secret values are never repeated in it. Empty variables count as unset, as the
``os.environ.get(NAME) or DEFAULT`` reads that this module replaces did.

The README's "Environment variables" table documents each variable; keep it in step.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, cast
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from audit.languages import DEFAULT_LANG, normalize_lang

DEFAULT_DB_URL = "sqlite:///audit.db"
DEFAULT_USERS_FILE = "users.toml"
MIN_SECRET_CHARS = 32  # HMAC-SHA256 keys of fewer characters are guessable offline


class SettingsError(ValueError):
    """An environment variable holds a value callaudit cannot use.

    Attributes:
        variables: The names of the offending variables (``AUDIT_LANG``, ...).
    """

    def __init__(self, message: str, variables: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.variables = variables


def check_dashboard_url(value: str) -> str:
    """``value`` without surrounding blanks and trailing slashes, if it is an http(s) address.

    Raises:
        ValueError: not an http(s) URL.
    """
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"dashboard URL {value!r} is not an http(s) address like https://audit.example.cn "
                         f"(--dashboard-url or AUDIT_DASHBOARD_URL)")
    return value.rstrip("/")


def _env(*names: str) -> AliasChoices | str:
    """The variable(s) a field is read from; with several, the first one set wins."""
    return names[0] if len(names) == 1 else AliasChoices(*names)


class Settings(BaseSettings):
    """The deployment's configuration, from environment variables (see the README's table).

    Command-line options take precedence over these where both exist; the modules that read a
    setting take the option as an argument and fall back to this object.
    """

    # case_sensitive: environment variables are case-sensitive on the servers this runs on;
    # extra="ignore": the rest of the environment is none of our business.
    model_config = SettingsConfigDict(case_sensitive=True, env_ignore_empty=True, extra="ignore",
                                      frozen=True, populate_by_name=False)

    # storage
    db_url: str = Field(DEFAULT_DB_URL, validation_alias=_env("AUDIT_DB_URL"),
                        description="database URL (audit.storage checks its form when it opens it)")
    # dashboard and sign-in
    users_file: Path = Field(Path(DEFAULT_USERS_FILE), validation_alias=_env("AUDIT_USERS_FILE"))
    secret_key: SecretStr | None = Field(None, validation_alias=_env("AUDIT_SECRET_KEY"))
    lang: str = Field(DEFAULT_LANG, validation_alias=_env("AUDIT_LANG"))
    dashboard_url: str | None = Field(None, validation_alias=_env("AUDIT_DASHBOARD_URL"))
    # exports
    pdf_font: str | None = Field(None, validation_alias=_env("AUDIT_PDF_FONT"))
    # pipeline: where the embedded model is reassembled; AUDIT_CACHE_DIR before the XDG base
    cache_base: Path | None = Field(None, validation_alias=_env("AUDIT_CACHE_DIR", "XDG_CACHE_HOME"))
    hf_token: SecretStr | None = Field(None, validation_alias=_env("HF_TOKEN", "PYANNOTE_TOKEN"))
    # alerts (audit watch)
    alert_webhooks: Annotated[tuple[str, ...], NoDecode] = Field(
        (), validation_alias=_env("AUDIT_ALERT_WEBHOOKS"))
    webhook_secret: SecretStr | None = Field(None, validation_alias=_env("AUDIT_WEBHOOK_SECRET"))
    dingtalk_secret: SecretStr | None = Field(None, validation_alias=_env("AUDIT_DINGTALK_SECRET"))
    feishu_secret: SecretStr | None = Field(None, validation_alias=_env("AUDIT_FEISHU_SECRET"))
    smtp_user: str | None = Field(None, validation_alias=_env("AUDIT_SMTP_USER"))
    smtp_password: SecretStr | None = Field(None, validation_alias=_env("AUDIT_SMTP_PASSWORD"))

    @field_validator("secret_key")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        key = value.get_secret_value().strip()
        if len(key) < MIN_SECRET_CHARS:
            raise ValueError(f"must hold at least {MIN_SECRET_CHARS} characters "
                             "(for example the output of `openssl rand -hex 32`)")
        return SecretStr(key)

    @field_validator("lang")
    @classmethod
    def _known_language(cls, value: str) -> str:
        return normalize_lang(value)

    @field_validator("dashboard_url")
    @classmethod
    def _http_address(cls, value: str | None) -> str | None:
        return check_dashboard_url(value) if value and value.strip() else None

    @field_validator("alert_webhooks", mode="before")
    @classmethod
    def _split_urls(cls, value: object) -> object:
        # a space-separated list, as a systemd Environment= line or a shell export writes it
        return tuple(value.split()) if isinstance(value, str) else value

    @property
    def cache_dir(self) -> Path:
        """``callaudit`` under ``$AUDIT_CACHE_DIR``, else ``$XDG_CACHE_HOME``, else ``~/.cache``."""
        return (self.cache_base or Path.home() / ".cache") / "callaudit"


def _variables(field: str) -> tuple[str, ...]:
    alias = Settings.model_fields[field].validation_alias
    # every field's alias is an environment variable name, or a choice of them: all strings
    return cast("tuple[str, ...]", tuple(alias.choices) if isinstance(alias, AliasChoices) else (alias,))


ENV_VARS: dict[str, tuple[str, ...]] = {name: _variables(name) for name in Settings.model_fields}
"""Field name -> the environment variables it is read from, in order of precedence."""
_FIELD_OF = {var: name for name, names in ENV_VARS.items() for var in names}
_SECRET_FIELDS = {name for name, info in Settings.model_fields.items() if "SecretStr" in str(info.annotation)}
_ALL_VARS = tuple(_FIELD_OF)


def _error(exc: ValidationError) -> SettingsError:
    """One line naming each bad variable and what is wrong; never a secret's value."""
    parts, names = [], []
    for err in exc.errors():
        loc = str(err["loc"][0]) if err["loc"] else ""  # the variable's name (or the field's)
        field = _FIELD_OF.get(loc, loc)
        variables = ENV_VARS.get(field) or (loc,)
        name = next((v for v in variables if os.environ.get(v)), variables[0])
        names.append(name)
        message = str(err["msg"]).removeprefix("Value error, ")
        shown = "" if field in _SECRET_FIELDS else f"={os.environ.get(name, '')!r}"
        parts.append(f"environment variable {name}{shown}: {message}")
    return SettingsError("; ".join(parts) + " (fix or unset it)", tuple(names))


@lru_cache(maxsize=16)
def _settings_for(_snapshot: tuple[str | None, ...]) -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        raise _error(exc) from None


def get_settings() -> Settings:
    """The settings as the environment holds them now (validated once per set of values).

    Raises:
        SettingsError: A variable holds a value that cannot be used; the message names it.
    """
    return _settings_for(tuple(os.environ.get(name) for name in _ALL_VARS))
