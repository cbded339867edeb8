"""Users file: hashing, validation errors that name the file, roles and scopes, `audit users add`."""

from __future__ import annotations

import argparse
import io

import pytest

from audit.auth import AuthConfigError, add_user, authenticate, hash_password, load_users, verify_password
from audit.cli import users as users_cli
from audit.read.scope import Scope


def test_hash_roundtrip_and_salt():
    h1, h2 = hash_password("s3cret"), hash_password("s3cret")
    assert h1 != h2 and h1.startswith("scrypt$")  # salted
    assert "s3cret" not in h1
    assert verify_password("s3cret", h1) and verify_password("s3cret", h2)
    assert not verify_password("S3cret", h1)


@pytest.mark.parametrize("stored", ["", "plain", "scrypt$x$8$1$AA==$AA==", "pbkdf2$1$2$3$4$5",
                                    "scrypt$16384$8$1$!!$!!"])
def test_malformed_hash_never_matches(stored):
    assert not verify_password("anything", stored)


@pytest.mark.parametrize("suffix", [".toml", ".yaml"])
def test_add_and_load_users(tmp_path, suffix):
    path = tmp_path / f"users{suffix}"
    add_user(path, "boss", "pw-admin", role="admin")
    add_user(path, "li", "pw-lead", role="team_lead", team="一组", name="李组长")
    add_user(path, "A017", "pw-agent", role="agent", agent_id="A017")
    add_user(path, "li", "pw-lead-2", role="team_lead", team="一组")  # replaces
    users = load_users(path)
    assert set(users) == {"boss", "li", "A017"}
    assert "pw-" not in path.read_text(encoding="utf-8")
    assert users["boss"].scope == Scope() and users["boss"].see_pii
    assert users["li"].scope == Scope(team="一组") and not users["li"].see_pii
    assert users["A017"].scope == Scope(agent_id="A017")
    assert authenticate(users, "li", "pw-lead-2") == users["li"]
    assert authenticate(users, "li", "pw-lead") is None
    assert authenticate(users, "nobody", "pw-admin") is None


@pytest.mark.parametrize("content, message", [
    ("users = [", "is not valid toml"),
    ('[users.x]\nrole = "boss"\npassword = "scrypt$1$2$3$4$5"\n', "role 'boss' is not one of"),
    ('[users.x]\nrole = "admin"\npassword = "hunter2"\n', "must be a scrypt hash, not clear text"),
    ('[users.x]\nrole = "team_lead"\npassword = "scrypt$1$2$3$4$5"\n', "a team_lead needs `team"),
    ('[users.x]\nrole = "agent"\npassword = "scrypt$1$2$3$4$5"\n', "an agent needs `agent_id"),
    ('[users.x]\nrole = "admin"\npassword = "scrypt$1$2$3$4$5"\nteem = "a"\n', "unknown key"),
    ('[users.x]\nrole = "admin"\npassword = "scrypt$1$2$3$4$5"\nsee_pii = "yes"\n', "must be true or false"),
    ('users = 3\n', "must be a table"),
    ('[users]\nx = "admin"\n', "expected a table with role and password"),
    ('[users.x]\npassword = "scrypt$1$2$3$4$5"\n', "`role` is missing"),
    ('[users.x]\nrole = "admin"\npassword = "scrypt$1$2$3$4$5"\nteem = "a"\nmail = "b"\n', "unknown key(s) mail, teem"),
    ('[users.x]\nrole = "admin"\npassword = "scrypt$1$2$3$4$5"\nlang = "fr"\n', "`lang`: language 'fr'"),
    ('[users.x]\nrole = "admin"\npassword = "scrypt$1$2$3$4$5"\nemail = "li.na"\n', "`email` must be"),
    ('[users.x]\nrole = "agent"\nagent_id = ["A017"]\npassword = "scrypt$1$2$3$4$5"\n', "`agent_id` must be text"),
])
def test_bad_config_names_the_file(tmp_path, content, message):
    path = tmp_path / "users.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(AuthConfigError) as err:
        load_users(path)
    assert str(path) in str(err.value) and message.lower() in str(err.value).lower()


def test_missing_file_says_how_to_create_it(tmp_path):
    with pytest.raises(AuthConfigError, match="not found; create it with `audit users add"):
        load_users(tmp_path / "nope.toml")


def test_env_var_names_default_file(tmp_path, monkeypatch):
    path = tmp_path / "u.toml"
    add_user(path, "boss", "pw", role="supervisor")
    monkeypatch.setenv("AUDIT_USERS_FILE", str(path))
    assert set(load_users()) == {"boss"}


def test_invalid_entry_is_not_written(tmp_path):
    path = tmp_path / "users.toml"
    with pytest.raises(AuthConfigError, match="an agent needs"):
        add_user(path, "x", "pw", role="agent")
    assert not path.exists()


def test_cli_users_add(tmp_path, monkeypatch, capsys):
    parser = argparse.ArgumentParser(prog="audit")
    users_cli.add_parser(parser.add_subparsers(dest="command"))
    path = tmp_path / "users.toml"
    args = parser.parse_args(["users", "add", "li", "--role", "team_lead", "--team", "一组", "--users", str(path),
                              "--password-stdin"])
    monkeypatch.setattr("sys.stdin", io.StringIO("pw-lead\n"))
    assert args.func(args) == 0
    assert "written to" in capsys.readouterr().out
    assert authenticate(load_users(path), "li", "pw-lead") is not None

    bad = parser.parse_args(["users", "add", "a", "--role", "agent", "--users", str(path), "--password-stdin"])
    monkeypatch.setattr("sys.stdin", io.StringIO("pw\n"))
    assert bad.func(bad) == 2
    assert "an agent needs" in capsys.readouterr().err


def test_every_problem_of_an_entry_at_once(tmp_path):
    path = tmp_path / "users.toml"
    path.write_text('[users.x]\nrole = "admin"\npassword = "hunter2"\nsee_pii = "yes"\n', encoding="utf-8")
    with pytest.raises(AuthConfigError) as err:
        load_users(path)
    assert str(err.value).startswith(f"users file {path}, user 'x': ")
    assert "not clear text" in str(err.value) and "`see_pii` must be true or false" in str(err.value)


def test_numbers_in_yaml_are_ids_as_text(tmp_path):
    path = tmp_path / "users.yaml"
    path.write_text(f"users:\n  a1:\n    role: agent\n    agent_id: 1017\n    password: '{hash_password('pw')}'\n",
                    encoding="utf-8")
    assert load_users(path)["a1"].agent_id == "1017"


def test_toml_written_with_quotes_and_chinese_reads_back(tmp_path):
    """The TOML writer (tomli-w) escapes what a name may hold; the file reads back as written."""
    path = tmp_path / "users.toml"
    add_user(path, 'wang "w"', "pw", role="team_lead", team="一组 \\ 二组", name="王\n主管", see_pii=True)
    user = load_users(path)['wang "w"']
    assert (user.team, user.name, user.see_pii) == ("一组 \\ 二组", "王\n主管", True)
    assert path.read_text(encoding="utf-8").startswith("# Dashboard users; manage with `audit users add`.")
