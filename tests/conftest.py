"""Shared fixtures: real databases (SQLite file and the PostgreSQL server), corpus paths."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from audit.storage import DatabaseUnavailable, init_db, make_engine

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
# The labelled corpus the suite needs lives in the repository (a copy of ../shared/corpus), so a
# fresh clone tests as much as CI does; AUDIT_CORPUS points at another copy.
CORPUS = Path(os.environ.get("AUDIT_CORPUS", ROOT / "tests" / "corpus"))
PG_ADMIN_URL = os.environ.get("AUDIT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def pytest_collection_modifyitems(config, items):
    """Tests that need the PostgreSQL server carry the ``postgres`` marker, so
    ``pytest -m "not postgres"`` runs everything else on a machine without one.

    A test needs it when ``pg_url`` is among its fixtures, or when one of its fixtures is
    parametrized ``"postgres"`` (``db_url``, ``dashboard_env`` indirectly): those fixtures ask
    for ``pg_url`` at run time, where the fixture closure does not show it.
    """
    for item in items:
        names = getattr(item, "fixturenames", ())
        params = getattr(getattr(item, "callspec", None), "params", {})
        # isinstance first: a parameter may be any object (an Annotation's == raises on a str)
        on_postgres = any(isinstance(value, str) and value == "postgres" for value in params.values())
        if "pg_url" in names or on_postgres or "postgres" in item.name:
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(autouse=True)
def _fresh_login_throttle():
    """Failed sign-ins are counted per server process: one test's must not lock out the next's."""
    from audit.throttle import LOGIN_THROTTLE

    LOGIN_THROTTLE.reset()
    yield
    LOGIN_THROTTLE.reset()


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium for the real-browser tests (Playwright's own download is never used).

    Missing, the test fails with the install command: a skipped browser test would let a
    machine without a browser report the dashboard as tested. Session-scoped, so it fails
    before the expensive fixtures (an audited corpus, a running server) are built.
    """
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("Debian chromium is missing: apt-get install -y chromium (make test installs it)")
    return path


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not (CORPUS / "manifest.csv").is_file():
        pytest.fail(f"corpus not found at {CORPUS}: restore tests/corpus from git or set AUDIT_CORPUS")
    return CORPUS


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'audit.db'}"


@pytest.fixture
def pg_url():
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    admin = make_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"audit_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except DatabaseUnavailable as exc:  # the server is part of the test environment
        pytest.fail(f"PostgreSQL at {PG_ADMIN_URL} is not reachable: {exc}")
    url = sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"
        ), {"n": name})
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request) -> str:
    """Run a storage test against SQLite and against the real PostgreSQL server."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def receiver():
    """A local HTTP server that records the alerts posted to it (webhook and robot sinks)."""
    from tests.receivers import HttpReceiver

    server = HttpReceiver()
    yield server
    server.close()


@pytest.fixture
def engine(db_url):
    eng = make_engine(db_url)
    init_db(eng)
    yield eng
    eng.dispose()
