"""The command line reads the environment through the settings object: a bad variable is one line."""

from __future__ import annotations

from audit.cli import main


def test_a_bad_variable_ends_a_command_with_one_line_and_status_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("AUDIT_DASHBOARD_URL", "ftp://audit.example.cn")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    status = main(["watch", str(inbox), "--db", f"sqlite:///{tmp_path / 'a.db'}", "--once"])
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("error: ") and "AUDIT_DASHBOARD_URL" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_a_bad_option_is_one_line_too(tmp_path, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    status = main(["watch", str(inbox), "--db", f"sqlite:///{tmp_path / 'a.db'}", "--once",
                   "--dashboard-url", "audit.example.cn"])
    err = capsys.readouterr().err
    assert status == 2 and "is not an http(s) address" in err and len(err.strip().splitlines()) == 1
