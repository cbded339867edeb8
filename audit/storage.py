"""Database engine, schema migrations and sessions.

The URL comes from ``--db`` or ``AUDIT_DB_URL``; the default is a SQLite file ``audit.db`` in
the working directory, so a fresh clone needs no database server. PostgreSQL URLs
(``postgresql://user@host/db``) use the psycopg 3 driver. The schema is owned by Alembic
(``audit/migrations``): :func:`init_db` upgrades any database to the newest revision.

A URL that cannot work - malformed, an unsupported kind, a SQLite folder that cannot be
created, a server that refuses the connection - raises :class:`DatabaseUnavailable` from here,
the one place that opens databases, with the URL (password masked) and the fix in one line;
the command lines print that line instead of a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlmodel import Session, create_engine

from audit.settings import DEFAULT_DB_URL, get_settings  # noqa: F401 (DEFAULT_DB_URL: also this module's)

MIGRATIONS = Path(__file__).with_name("migrations")
BACKENDS = ("sqlite", "postgresql")  # what the migrations and the upserts are written for
URL_FORMS = "sqlite:///PATH/audit.db or postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE"
_FIX = "fix --db or AUDIT_DB_URL"
_PASSWORD_IN_URL = re.compile(r"(://[^:/@\s]*:)[^@\s]*@")


class DatabaseUnavailable(RuntimeError):
    """The database URL cannot be used; the one-line message names the URL (password masked),
    what went wrong and the fix."""


def masked(url: str | URL) -> str:
    """``url`` with its password replaced by ``***`` (also when it does not parse)."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    return _PASSWORD_IN_URL.sub(r"\1***@", url)


def _one_line(exc: BaseException) -> str:
    """The driver's message without SQLAlchemy's wrapping, on one line."""
    text = str(getattr(exc, "orig", None) or exc)
    text = re.sub(r"\(Background on this error at: [^)]*\)", "", text)
    return " ".join(text.split()) or type(exc).__name__


def _parse(url: str) -> URL:
    try:
        return make_url(url)
    except (ArgumentError, ValueError) as exc:  # ValueError: a port that is not a number
        raise DatabaseUnavailable(
            f"database URL {masked(url)!r} is not a database URL ({_one_line(exc)}); "
            f"use {URL_FORMS} ({_FIX})") from None


def database_url(url: str | None = None) -> str:
    """Resolve the database URL: explicit argument, then ``AUDIT_DB_URL``, then the default.

    Raises:
        DatabaseUnavailable: The URL does not parse.
        audit.settings.SettingsError: An environment variable holds an unusable value.
    """
    url = url or get_settings().db_url
    parsed = _parse(url)
    if parsed.drivername in ("postgresql", "postgres"):
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the dashboard read while the nightly batch writes; foreign keys are off by default.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _connect_failed(parsed: URL):
    """A ``handle_error`` listener that turns a failed connect into :class:`DatabaseUnavailable`.

    Connections are opened lazily, wherever the first query happens (migrations, a report, a
    page), so the translation lives on the engine instead of around every first query. Only
    the connect itself is translated (``context.connection is None``); a failing statement
    keeps its own error, and a pre-ping's failure is left to the pool, which reconnects.
    """

    def handle_error(context) -> None:
        if context.connection is not None or context.is_pre_ping:
            return
        raise DatabaseUnavailable(
            f"cannot connect to database {masked(parsed)}: {_one_line(context.original_exception)}; "
            f"check that the server runs and that host, port, user, password and database name are "
            f"right ({_FIX})") from context.original_exception

    return handle_error


def make_engine(url: str | None = None, **kwargs) -> Engine:
    """Create an engine for ``url`` (see :func:`database_url`).

    Raises:
        DatabaseUnavailable: The URL is malformed or of an unsupported kind, its driver is not
            installed, or the folder of a SQLite file cannot be created; later, on the first
            query, when the database refuses the connection.
    """
    url = database_url(url)
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend not in BACKENDS:
        raise DatabaseUnavailable(f"database URL {masked(parsed)}: {backend!r} databases are not supported; "
                                  f"use {URL_FORMS} ({_FIX})")
    if backend == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseUnavailable(
                    f"cannot create the folder {folder} for database {masked(parsed)}: "
                    f"{exc.strerror or exc}; use a path in a writable folder ({_FIX})") from exc
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
    else:
        kwargs.setdefault("pool_pre_ping", True)
    try:
        engine = create_engine(url, **kwargs)
    except ImportError as exc:
        raise DatabaseUnavailable(
            f"database URL {masked(parsed)} needs the Python driver "
            f"{exc.name or parsed.get_driver_name()!r}, which is not installed; install it or use "
            f"{URL_FORMS}") from exc
    except ArgumentError as exc:
        raise DatabaseUnavailable(f"database URL {masked(parsed)}: {_one_line(exc)}; use {URL_FORMS} "
                                  f"({_FIX})") from exc
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "handle_error", _connect_failed(parsed))
    return engine


def check_database(url: str | None = None) -> str:
    """Open the database at ``url`` once and return the resolved URL.

    For commands that hand the URL on instead of querying right away (the dashboard server, the
    nightly lock), so a wrong URL fails here, in one line, not later in a traceback.

    Raises:
        DatabaseUnavailable: See :func:`make_engine`.
    """
    engine = make_engine(url)
    try:
        with engine.connect():
            pass
    finally:
        engine.dispose()
    return database_url(url)


def alembic_config(engine: Engine):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    config.attributes["engine"] = engine
    return config


def init_db(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (creates it on an empty database)."""
    from alembic import command

    command.upgrade(alembic_config(engine), "head")


def session(engine: Engine) -> Session:
    """A session that keeps loaded objects usable after commit."""
    return Session(engine, expire_on_commit=False)
