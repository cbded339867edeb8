"""The message catalogs: every text the code marks is translated, placeholders survive translation,
the .po compiles without external tools, and numbers and dates follow the language."""

from __future__ import annotations

import re
import string
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from audit import i18n
from audit.exports.columns import CATEGORY_LABELS, REVIEW_LABELS, SEVERITY_LABELS

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}


def marked_messages() -> set[tuple[str | None, str]]:
    """(context, msgid) of every text marked in audit/ and dashboards/, as `make messages` extracts them."""
    found = set()
    for folder in ("audit", "dashboards"):
        for _file, _line, message, _comments, context in extract_from_dir(
                ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS):
            msgid = message[0] if isinstance(message, tuple) else message
            if msgid:
                found.add((context, msgid))
    return found


@pytest.fixture(scope="module")
def catalog():
    with open(i18n.catalog_path("zh_CN"), "rb") as handle:
        return read_po(handle, locale="zh_CN")


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_marked_text_has_a_chinese_translation(catalog):
    entries = {(m.context, m.id): m for m in catalog if m.id}
    missing = sorted(k for k in marked_messages() if k not in entries or not entries[k].string)
    assert not missing, f"run `make messages` and translate: {missing}"
    fuzzy = sorted(k for k, m in entries.items() if m.fuzzy)
    assert not fuzzy, f"fuzzy translations are not used: {fuzzy}"
    assert not catalog.fuzzy, "a catalog marked fuzzy is skipped by `make locales` (pybabel compile)"


def test_placeholders_survive_translation(catalog):
    for m in catalog:
        if m.id and m.string:
            assert fields(m.id) == fields(m.string), (m.id, m.string)


def test_no_text_is_marked_inside_an_f_string():
    """pybabel cannot see `_()` inside an f-string's braces: such a text would stay English."""
    pattern = re.compile(r"""f["'][^"'\n]*\{_\(""")
    offenders = [
        f"{p.relative_to(ROOT)}:{n}"
        for folder in ("audit", "dashboards")
        for p in (ROOT / folder).rglob("*.py")
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert not offenders


def test_po_compiles_in_memory_and_translates():
    assert i18n.compile_catalog(i18n.catalog_path("zh_CN")).startswith(b"\xde\x12\x04\x95")  # GNU .mo magic
    assert i18n.gettext_in("zh_CN", "Overview") == "总览"
    assert i18n.gettext_in("en", "Overview") == "Overview"
    with i18n.language("zh_CN"):
        assert i18n.pgettext("scorecard", "Calls") == "通话" and i18n._("Calls") == "通话列表"


def test_language_is_per_context_and_defaults_to_chinese(monkeypatch):
    monkeypatch.delenv(i18n.LANG_ENV, raising=False)
    assert i18n.current() == "zh_CN"
    with i18n.language("en"):
        assert i18n._("Sign in") == "Sign in"
        with i18n.language("zh-CN"):
            assert i18n._("Sign in") == "登录"
        assert i18n.current() == "en"
    monkeypatch.setenv(i18n.LANG_ENV, "en-US")
    assert i18n.current() == "en"
    with pytest.raises(ValueError, match="zh_CN, en"):
        i18n.normalize_lang("fr")


def test_vocabularies_match_the_export_words():
    """Category, severity and review words in Chinese are the scorecards' (one vocabulary)."""
    with i18n.language("zh_CN"):
        assert {k: i18n.category_label(k) for k in CATEGORY_LABELS} == CATEGORY_LABELS
        assert {k: i18n.severity_label(k) for k in SEVERITY_LABELS} == SEVERITY_LABELS
        assert {k: i18n.review_label(k) for k in REVIEW_LABELS} == REVIEW_LABELS
    with i18n.language("en"):
        assert i18n.category_label("THREAT_THIRD_PARTY") == "Threat to tell third parties"
        assert i18n.category_label("NEW_CATEGORY") == "NEW_CATEGORY"  # unknown codes as they are


@pytest.mark.parametrize(
    "lang, expected",
    [
        (
            "zh_CN",
            {
                "int": "12,345",
                "pct": "12.3%",
                "dt": "2026/11/2 14:40",
                "date": "2026年11月2日",
                "day": "11月2日",
            },
        ),
        (
            "en",
            {
                "int": "12,345",
                "pct": "12.3%",
                "dt": "11/2/26, 2:40\u202fPM",
                "date": "Nov 2, 2026",
                "day": "Nov 2",
            },
        ),
    ],
)
def test_numbers_and_dates_follow_the_language(lang, expected):
    moment = datetime(2026, 11, 2, 14, 40, tzinfo=timezone(timedelta(hours=8)))
    with i18n.language(lang):
        got = {"int": i18n.fmt_int(12345), "pct": i18n.fmt_percent(0.1234), "dt": i18n.fmt_datetime(moment),
               "date": i18n.fmt_date(moment.date()), "day": i18n.fmt_day(moment.date())}
        assert got == expected
        assert i18n.fmt_decimal(None) == i18n.fmt_percent(float("nan")) == i18n.fmt_int(None) == "–"


def test_rule_titles_come_from_the_pack():
    from audit.rules import load_pack

    rule = load_pack().rules[0]
    with i18n.language("zh_CN"):
        assert i18n.rule_title(rule) == rule.title_zh
    with i18n.language("en"):
        assert i18n.rule_title(rule) == rule.title_en


def test_catalogs_pass_babels_checks():
    """What `make locales` (pybabel compile) checks: placeholders of each translation match its
    message (a '%' in a message reads as a %-placeholder to Babel, so write '(%)' not '% of')."""
    from pathlib import Path

    from babel.messages.pofile import read_po

    for po in (Path(__file__).resolve().parents[1] / "audit" / "locale").glob("*/LC_MESSAGES/*.po"):
        with open(po, "rb") as fh:
            catalog = read_po(fh)
        problems = [(message.id, [str(e) for e in errors]) for message, errors in catalog.check()]
        assert not problems, (po.name, problems)
