"""Fixtures for dashboard tests: a seeded database, a users file, a short recording."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from audit.auth import add_user, load_users
from audit.storage import init_db, make_engine
from tests.factories import seed

APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"
PASSWORDS = {"boss": "boss-pw", "wang": "wang-pw", "li": "li-pw", "zhao": "zhao-pw", "lina": "lina-pw"}


def write_wav(path: Path, seconds: float = 25.0, rate: int = 8000) -> Path:
    """A silent mono recording long enough for every finding's start time."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x00\x00" * int(seconds * rate))
    return path


@pytest.fixture
def users_file(tmp_path) -> Path:
    path = tmp_path / "users.toml"
    add_user(path, "boss", PASSWORDS["boss"], role="admin", name="系统管理员")
    add_user(path, "wang", PASSWORDS["wang"], role="supervisor", name="王主管")
    add_user(path, "li", PASSWORDS["li"], role="team_lead", team="一组", name="李组长")
    add_user(path, "zhao", PASSWORDS["zhao"], role="agent", agent_id="B203", name="赵强")
    add_user(path, "lina", PASSWORDS["lina"], role="agent", agent_id="A017", name="李娜")
    return path


@pytest.fixture(autouse=True)
def _navigation_only(monkeypatch):
    """Run every page through app.py's st.navigation, as the server does (dashboards/server.py).

    Streamlit's older convention for a ``pages/`` folder next to the main script stays on until
    ``st.navigation`` has run in the process; AppTest turns it back on before every run, so a rerun
    on a page would execute that page's file alone, without app.py (no sign-in, no sessions).
    """
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture(autouse=True)
def _decoder(monkeypatch):
    """The evidence downloads decode with the pipelines' decoder, as dashboards/server.py wires them."""
    from dashboards import wiring
    from pipelines.audio import load_audio

    monkeypatch.setattr(wiring, "_decoder", load_audio)


@pytest.fixture
def english(monkeypatch):
    """The dashboard in English (`audit dashboard --lang en`), for tests that read its English texts."""
    monkeypatch.setenv("AUDIT_LANG", "en")


@pytest.fixture
def dashboard_env(tmp_path, users_file, monkeypatch, request):
    """A seeded SQLite database (or PostgreSQL with ``pg_url``) wired into the dashboard's env vars."""
    url = request.getfixturevalue("pg_url") if getattr(request, "param", "sqlite") == "postgres" \
        else f"sqlite:///{tmp_path / 'dash.db'}"
    engine = make_engine(url)
    init_db(engine)
    audio = {"t-002": write_wav(tmp_path / "t-002.wav"), "t-001": write_wav(tmp_path / "t-001.wav")}
    seed(engine, audio=audio)
    engine.dispose()
    monkeypatch.setenv("AUDIT_DB_URL", url)
    monkeypatch.setenv("AUDIT_USERS_FILE", str(users_file))
    return {"url": url, "users": load_users(users_file), "users_file": users_file}


CORPUS_USERS = {  # on the audited corpus: admin, supervisor, the lead of 网贷一组, its agent B215, agent A017
    "boss": dict(role="admin", name="系统管理员"),
    "wang": dict(role="supervisor", name="王主管"),
    "sun": dict(role="team_lead", team="网贷一组", name="孙组长"),
    "zhou": dict(role="agent", agent_id="B215", name="周涛"),
    "lina": dict(role="agent", agent_id="A017", name="李娜"),
}
CORPUS_PASSWORD = "corpus-pw"


@pytest.fixture(scope="session")
def audited_corpus(tmp_path_factory, corpus_dir):
    """The labelled corpus audited once into a SQLite file (the speech models stood in for by the
    truth transcripts: tests/pipelines/test_batch.py's TruthExecutor), and a users file."""
    from pipelines.batch import run_batch
    from tests.pipelines.test_batch import TruthExecutor, corpus_rows, make_batch

    root = tmp_path_factory.mktemp("corpus")
    batch = make_batch(root / "in", corpus_dir, list(corpus_rows(corpus_dir)))
    url = f"sqlite:///{root / 'corpus.db'}"
    engine = make_engine(url)
    init_db(engine)
    summary = run_batch(engine, batch, executor=TruthExecutor(corpus_dir))
    engine.dispose()
    assert not summary.failures, summary.failures
    users = root / "users.toml"
    for username, entry in CORPUS_USERS.items():
        add_user(users, username, CORPUS_PASSWORD, **entry)
    return {"url": url, "users": load_users(users), "users_file": users, "root": root}


@pytest.fixture
def corpus_env(audited_corpus, monkeypatch):
    monkeypatch.setenv("AUDIT_DB_URL", audited_corpus["url"])
    monkeypatch.setenv("AUDIT_USERS_FILE", str(audited_corpus["users_file"]))
    return audited_corpus
