"""audit.settings: every environment variable, read fresh, validated, documented in the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from audit.settings import ENV_VARS, SettingsError, get_settings

ROOT = Path(__file__).resolve().parents[1]
SECRET = "k" * 40


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    """Each test starts from an environment without any of the variables."""
    for names in ENV_VARS.values():
        for name in names:
            monkeypatch.delenv(name, raising=False)


def test_defaults():
    s = get_settings()
    assert (s.db_url, s.users_file, s.lang, s.dashboard_url, s.pdf_font) == (
        "sqlite:///audit.db", Path("users.toml"), "zh_CN", None, None)
    assert s.cache_dir == Path.home() / ".cache" / "callaudit"
    assert s.secret_key is s.hf_token is s.smtp_user is None and s.alert_webhooks == ()


@pytest.mark.parametrize(("env", "field", "expected"), [
    ({"AUDIT_DB_URL": "postgresql://u@h/db"}, "db_url", "postgresql://u@h/db"),
    ({"AUDIT_USERS_FILE": "/etc/callaudit/users.yaml"}, "users_file", Path("/etc/callaudit/users.yaml")),
    ({"AUDIT_LANG": "en-US"}, "lang", "en"),
    ({"AUDIT_LANG": "zh"}, "lang", "zh_CN"),
    ({"AUDIT_DASHBOARD_URL": " https://audit.example.cn/ "}, "dashboard_url", "https://audit.example.cn"),
    ({"AUDIT_PDF_FONT": "/fonts/a.ttc#1"}, "pdf_font", "/fonts/a.ttc#1"),
    ({"XDG_CACHE_HOME": "/xdg"}, "cache_dir", Path("/xdg/callaudit")),
    ({"XDG_CACHE_HOME": "/xdg", "AUDIT_CACHE_DIR": "/var/cache/a"}, "cache_dir", Path("/var/cache/a/callaudit")),
    ({"AUDIT_ALERT_WEBHOOKS": " https://a/1  https://b/2\n"}, "alert_webhooks", ("https://a/1", "https://b/2")),
    ({"AUDIT_SMTP_USER": "robot"}, "smtp_user", "robot"),
    # an empty variable is an unset one, as `os.environ.get(NAME) or DEFAULT` had it
    ({"AUDIT_DB_URL": ""}, "db_url", "sqlite:///audit.db"),
    ({"AUDIT_LANG": ""}, "lang", "zh_CN"),
    ({"AUDIT_CACHE_DIR": "", "XDG_CACHE_HOME": "/xdg"}, "cache_dir", Path("/xdg/callaudit")),
])
def test_each_variable_is_read(monkeypatch, env, field, expected):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert getattr(get_settings(), field) == expected


@pytest.mark.parametrize(("env", "field", "expected"), [
    ({"AUDIT_SECRET_KEY": f"  {SECRET}\n"}, "secret_key", SECRET),
    ({"HF_TOKEN": "hf_a", "PYANNOTE_TOKEN": "hf_b"}, "hf_token", "hf_a"),
    ({"HF_TOKEN": "", "PYANNOTE_TOKEN": "hf_b"}, "hf_token", "hf_b"),
    ({"AUDIT_WEBHOOK_SECRET": "wh-9f3a"}, "webhook_secret", "wh-9f3a"),
    ({"AUDIT_DINGTALK_SECRET": "SEC5d1c"}, "dingtalk_secret", "SEC5d1c"),
    ({"AUDIT_FEISHU_SECRET": "fs-77b2"}, "feishu_secret", "fs-77b2"),
    ({"AUDIT_SMTP_PASSWORD": "pw-0c4e"}, "smtp_password", "pw-0c4e"),
])
def test_secrets_are_read_and_never_printed(monkeypatch, env, field, expected):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = get_settings()
    assert getattr(settings, field).get_secret_value() == expected
    assert expected not in repr(settings) and expected not in str(settings)


def test_read_fresh_on_every_call(monkeypatch):
    """No stale copy: a variable set after a first read (a test, a CLI option) is seen at once."""
    assert get_settings().lang == "zh_CN"
    monkeypatch.setenv("AUDIT_LANG", "en")
    assert get_settings().lang == "en"
    monkeypatch.delenv("AUDIT_LANG")
    assert get_settings().lang == "zh_CN"


@pytest.mark.parametrize(("env", "says"), [
    ({"AUDIT_LANG": "fr"}, "environment variable AUDIT_LANG='fr': language 'fr' is not available"),
    ({"AUDIT_DASHBOARD_URL": "audit.example.cn"}, "AUDIT_DASHBOARD_URL='audit.example.cn': dashboard URL"),
    ({"AUDIT_SECRET_KEY": "too-short"}, "environment variable AUDIT_SECRET_KEY: must hold at least 32"),
])
def test_a_bad_value_fails_with_the_variable_named(monkeypatch, env, says):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as err:
        get_settings()
    assert says in str(err.value) and "\n" not in str(err.value)
    assert err.value.variables == tuple(env)
    assert isinstance(err.value, ValueError)  # callers that catch ValueError keep working
    if "AUDIT_SECRET_KEY" in env:
        assert env["AUDIT_SECRET_KEY"] not in str(err.value)


def test_every_problem_is_reported_at_once(monkeypatch):
    monkeypatch.setenv("AUDIT_LANG", "fr")
    monkeypatch.setenv("AUDIT_DASHBOARD_URL", "ftp://x")
    with pytest.raises(SettingsError) as err:
        get_settings()
    assert set(err.value.variables) == {"AUDIT_LANG", "AUDIT_DASHBOARD_URL"}


def test_the_readme_table_documents_every_variable():
    """One table in the README: each variable the settings read, and nothing they do not."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Environment variables", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([A-Z_]+)`", section, flags=re.MULTILINE))
    read = {name for names in ENV_VARS.values() for name in names}
    tests_only = {"AUDIT_CORPUS", "AUDIT_TEST_PG_URL", "AUDIT_TEST_REDIS_URL"}
    assert documented == read | tests_only
