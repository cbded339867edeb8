"""`audit dashboard`: argument handling and what reaches `streamlit run`."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from audit.cli import dashboard as cli


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="audit")
    cli.add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


@pytest.mark.parametrize("argv, db, users, passed", [
    (["dashboard"], None, None, []),
    (["dashboard", "--db", "sqlite:///x.db", "--server.port", "8600"], "sqlite:///x.db", None,
     ["--server.port", "8600"]),
    (["dashboard", "--server.port=8600", "--users", "u.toml", "--server.address", "0.0.0.0"], None, "u.toml",
     ["--server.port=8600", "--server.address", "0.0.0.0"]),
])
def test_streamlit_options_pass_through(argv, db, users, passed):
    args = parse(argv)
    assert (args.db, args.users, args.streamlit_args) == (db, users, passed)
    command = cli.streamlit_command(args.streamlit_args)
    assert command[:4] == [sys.executable, "-m", "streamlit", "run"] and command[4] == str(cli.SERVER)
    assert command[5:5 + len(passed)] == passed
    assert "--server.headless=true" in command


def test_explicit_headless_is_not_overridden():
    assert cli.streamlit_command(["--server.headless", "false"]).count("--server.headless=true") == 0


def test_run_passes_db_and_users_through_env(tmp_path, monkeypatch, pg_url):
    from audit.auth import add_user

    users = tmp_path / "users.toml"
    add_user(users, "boss", "pw", role="admin")
    seen = {}

    def fake_call(command, env):  # the Streamlit server itself is the boundary here
        seen.update(command=command, env=env)
        return 0

    monkeypatch.setattr(subprocess, "call", fake_call)
    args = parse(["dashboard", "--db", pg_url, "--users", str(users), "--server.port", "8600"])
    assert cli.run(args) == 0  # the database is checked (it exists) before the server starts
    assert seen["env"]["AUDIT_DB_URL"] == pg_url.replace("postgresql://", "postgresql+psycopg://")
    assert seen["env"]["AUDIT_USERS_FILE"] == str(users.resolve())
    assert "8600" in seen["command"]


def test_run_refuses_a_bad_users_file(tmp_path, capsys):
    args = parse(["dashboard", "--users", str(tmp_path / "missing.toml")])
    assert cli.run(args) == 2
    err = capsys.readouterr().err
    assert "missing.toml" in err and "audit users add" in err


def test_run_sets_language_and_address_and_makes_the_session_secret(tmp_path, monkeypatch):
    from audit.auth import add_user
    from audit.sessions import SECRET_ENV, secret_file

    monkeypatch.delenv(SECRET_ENV, raising=False)
    users = tmp_path / "users.toml"
    add_user(users, "boss", "pw", role="admin")
    seen = {}
    monkeypatch.setattr(subprocess, "call", lambda command, env: seen.update(env=env) or 0)
    args = parse(
        [
            "dashboard",
            "--db",
            f"sqlite:///{tmp_path / 'a.db'}",
            "--users",
            str(users),
            "--lang",
            "en-US",
            "--dashboard-url",
            "https://audit.example.cn/",
        ]
    )
    assert cli.run(args) == 0
    assert (
        seen["env"]["AUDIT_LANG"] == "en" and seen["env"]["AUDIT_DASHBOARD_URL"] == "https://audit.example.cn"
    )
    assert secret_file(users).is_file()  # made before the server starts, next to the users file


@pytest.mark.parametrize("option, value, message", [
    ("--lang", "fr", "not available"),
    ("--dashboard-url", "audit.example.cn", "http(s) address"),
])
def test_run_refuses_a_bad_language_or_address(tmp_path, capsys, option, value, message):
    from audit.auth import add_user

    users = tmp_path / "users.toml"
    add_user(users, "boss", "pw", role="admin")
    args = parse(
        ["dashboard", "--db", f"sqlite:///{tmp_path / 'a.db'}", "--users", str(users), option, value]
    )
    assert cli.run(args) == 2
    assert message in capsys.readouterr().err
