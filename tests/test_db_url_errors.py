"""A database URL that cannot work - malformed, of an unknown kind, an unreachable server, a
SQLite file in a folder that cannot exist - ends every command that takes ``--db`` (or reads
``AUDIT_DB_URL``) with one line on stderr and exit status 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from audit.cli import main
from audit.storage import DatabaseUnavailable, check_database, database_url, make_engine

DAY = "2026-11-08"


@pytest.fixture
def bad_urls(tmp_path) -> dict[str, tuple[str, str]]:
    """URL kind -> (URL, what the message must say)."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the database folder should be\n", encoding="utf-8")
    return {
        "unparsable": ("nonsense", "is not a database URL"),
        "unknown kind": ("nonsense://", "'nonsense' databases are not supported"),
        "bad port": ("postgresql://u@127.0.0.1:port/x", "is not a database URL"),
        "refused": ("postgresql://nouser@127.0.0.1:1/x", "cannot connect to database"),
        "no such database": ("postgresql://postgres@127.0.0.1:5432/no_such_db_here", "cannot connect to database"),
        # as root a missing /nonexistent/dir would simply be created; a file in the way cannot be
        "sqlite folder": (f"sqlite:///{blocker}/dir/a.db", "cannot create the folder"),
    }


def commands(tmp_path) -> dict[str, list[str]]:
    """Every subcommand that opens the database, with the arguments it needs to get that far."""
    (tmp_path / "in").mkdir()
    (tmp_path / "root" / DAY).mkdir(parents=True)
    users = tmp_path / "users.toml"
    if not users.exists():
        from audit.auth import add_user

        add_user(users, "boss", "pw", role="admin")
    return {
        "batch": ["batch", str(tmp_path / "in"), "--no-progress"],
        "nightly": ["nightly", "--root", str(tmp_path / "root"), "--date", DAY, "--no-progress"],
        "findings": ["findings"],
        "transcripts": ["transcripts"],
        "scorecards": ["scorecards", "--period", "2026-11", "--out", str(tmp_path / "s.csv")],
        "evidence": ["evidence", "export", "t-001", "--out", str(tmp_path / "p.zip")],
        "db upgrade": ["db", "upgrade"],
        "dashboard": ["dashboard", "--users", str(users)],
    }


KINDS = ["unparsable", "unknown kind", "bad port", "refused", "no such database", "sqlite folder"]
COMMANDS = ["batch", "nightly", "findings", "transcripts", "scorecards", "evidence", "db upgrade", "dashboard"]


@pytest.mark.parametrize("via", ["--db", "AUDIT_DB_URL"])
@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("kind", KINDS)
def test_every_command_says_one_line_and_exits_2(tmp_path, monkeypatch, capsys, bad_urls, kind, command, via):
    url, message = bad_urls[kind]
    argv = commands(tmp_path)[command]
    if via == "--db":
        monkeypatch.delenv("AUDIT_DB_URL", raising=False)
        argv = argv + ["--db", url]
    else:
        monkeypatch.setenv("AUDIT_DB_URL", url)
    monkeypatch.chdir(tmp_path)  # the default sqlite:///audit.db must not be what is opened

    def no_server(*_args, **_kwargs):
        raise AssertionError("the dashboard server was started on a database URL that cannot work")

    monkeypatch.setattr(subprocess, "call", no_server)
    assert main(argv) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert err.startswith("error: ") and "\n" not in err, err
    assert message in err and "AUDIT_DB_URL" in err, err
    assert "Traceback" not in captured.err + captured.out
    assert not (tmp_path / "audit.db").exists()


def test_the_password_is_masked_everywhere(capsys):
    for url in ("postgresql://u:s3cret-pw@127.0.0.1:1/x", "postgresql://u:s3cret-pw@127.0.0.1:port/x"):
        assert main(["findings", "--db", url]) == 2
        err = capsys.readouterr().err
        assert "s3cret-pw" not in err and "u:***@127.0.0.1" in err, err


def test_the_installed_command_prints_no_traceback(tmp_path):
    """The real entry point, as a shell runs it."""
    result = subprocess.run([sys.executable, "-m", "audit.cli", "findings", "--db",
                             "postgresql://nouser@127.0.0.1:1/x"],
                            capture_output=True, text=True, timeout=120, cwd=tmp_path, check=False)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: cannot connect to database postgresql+psycopg://nouser@127.0.0.1:1/x")
    assert result.stdout == ""


def test_the_core_raises_one_type_naming_the_url_and_the_fix(bad_urls):
    for url, message in bad_urls.values():
        with pytest.raises(DatabaseUnavailable, match="AUDIT_DB_URL") as err:
            check_database(url)
        assert message in str(err.value)


def test_good_urls_still_work(tmp_path, pg_url):
    url = f"sqlite:///{tmp_path / 'new' / 'folder' / 'a.db'}"
    assert check_database(url) == url and (tmp_path / "new" / "folder").is_dir()
    assert check_database(pg_url) == database_url(pg_url)


def test_a_failing_statement_keeps_its_own_error(sqlite_url):
    """Only the connect is translated: SQL errors are bugs, not configuration."""
    import sqlalchemy as sa

    engine = make_engine(sqlite_url)
    with engine.connect() as conn, pytest.raises(sa.exc.OperationalError, match="no such table"):
        conn.execute(sa.text("SELECT * FROM nowhere"))
    engine.dispose()


def test_db_upgrade_does_not_print_the_password(pg_url, capsys):
    import sqlalchemy as sa

    url = sa.engine.make_url(pg_url).set(password="s3cret-pw").render_as_string(hide_password=False)
    assert main(["db", "upgrade", "--db", url]) == 0  # the test server trusts local connections
    out = capsys.readouterr().out
    assert out.startswith("schema up to date: postgresql+psycopg://postgres:***@") and "s3cret-pw" not in out
