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
