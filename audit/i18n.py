"""Languages of what people read: the dashboard, the scorecard exports, the evidence packs.

Chinese (``zh_CN``) is the default; English (``en``) is the other language. Texts are marked in
the code with :func:`_` (and :func:`N_` where a text is only marked, :func:`ngettext` for
counts, :func:`pgettext` where one English word needs two translations) and translated through
GNU gettext message catalogs: ``audit/locale/<lang>/LC_MESSAGES/callaudit.po`` is the committed
source, its English ``msgid`` s are what the code says. ``make messages`` re-extracts them
(Babel's ``pybabel extract``/``update``); ``make locales`` compiles the ``.mo`` files. Without a
compiled ``.mo`` (a fresh checkout, a read-only install), the ``.po`` is compiled in memory on
first use with Babel's ``pofile``/``mofile`` API, so no external tool is ever needed.

The language of a piece of work is a context variable: the dashboard sets it at the start of
every script run (each browser session runs in its own thread, so two users in two languages
never see each other's), an export sets it around writing a file (:func:`language`). Dates and
numbers are formatted for that language with Babel (:func:`fmt_datetime`, :func:`fmt_int`, ...).
"""

from __future__ import annotations

import contextlib
import gettext
import io
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import date, datetime
from functools import cache
from pathlib import Path

from audit.languages import normalize_lang
from audit.settings import get_settings

DOMAIN = "callaudit"
LOCALE_DIR = Path(__file__).with_name("locale")
LANG_ENV = "AUDIT_LANG"  # `audit dashboard --lang` sets it for the server

_current: ContextVar[str | None] = ContextVar("callaudit_language", default=None)


def default_language() -> str:
    """``$AUDIT_LANG`` when set (``audit dashboard --lang``), else Chinese.

    Raises:
        audit.settings.SettingsError: ``$AUDIT_LANG`` names a language there is no catalog for.
    """
    return get_settings().lang


def current() -> str:
    """The language of the work in progress (see :func:`set_language`)."""
    return _current.get() or default_language()


def set_language(lang: str | None) -> str:
    """Make ``lang`` (None: the default) the language of this thread's work; returns it."""
    lang = normalize_lang(lang) if lang else default_language()
    _current.set(lang)
    return lang


@contextlib.contextmanager
def language(lang: str | None) -> Iterator[str]:
    """``with language("en"): ...`` translates and formats in English inside the block."""
    token = _current.set(normalize_lang(lang) if lang else default_language())
    try:
        yield current()
    finally:
        _current.reset(token)


def catalog_path(lang: str, suffix: str = ".po") -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


def compile_catalog(po: Path) -> bytes:
    """The ``.mo`` bytes of a ``.po`` file (Babel), fuzzy entries left out as msgfmt does."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(po, "rb") as handle:
        catalog = read_po(handle, locale=po.parent.parent.name)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalog of ``lang``: the compiled ``.mo`` when it is newer than its ``.po``, else the
    ``.po`` compiled in memory. English is the language of the code: no catalog needed."""
    lang = normalize_lang(lang)
    po, mo = catalog_path(lang), catalog_path(lang, ".mo")
    if not po.is_file():
        return gettext.NullTranslations()
    if mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
        with open(mo, "rb") as handle:
            return gettext.GNUTranslations(handle)
    return gettext.GNUTranslations(io.BytesIO(compile_catalog(po)))


def _(message: str) -> str:
    """``message`` in the current language."""
    return translations(current()).gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it now (module-level tables)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` in the current language (Chinese has one form)."""
    return translations(current()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` translated in ``context`` (one English word, two Chinese ones)."""
    return translations(current()).pgettext(context, message)


def gettext_in(lang: str, message: str) -> str:
    """``message`` in ``lang``, whatever the current language (tests, e-mails)."""
    return translations(lang).gettext(message)


# ----------------------------------------------------------------------------- formatting


def babel_locale(lang: str | None = None) -> str:
    return {"zh_CN": "zh_Hans_CN", "en": "en_US"}[lang or current()]


def fmt_int(value: int | None) -> str:
    """``12,345`` (the locale's grouping); ``–`` for no value."""
    from babel.numbers import format_decimal

    return "–" if value is None else format_decimal(int(value), format="#,##0", locale=babel_locale())


def fmt_decimal(value: float | None, digits: int = 1) -> str:
    """A number with ``digits`` decimals in the locale's format; ``–`` for no value."""
    from babel.numbers import format_decimal

    if value is None or value != value:  # NaN
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=babel_locale())


def fmt_percent(fraction: float | None, digits: int = 1) -> str:
    """A share (0–1) as a percentage in the locale's format; ``–`` for no value."""
    from babel.numbers import format_percent

    if fraction is None or fraction != fraction:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return format_percent(fraction, format=pattern, locale=babel_locale())


def fmt_datetime(value: datetime | None, width: str = "short") -> str:
    """A date and time in the locale's format (``2026/11/2 14:40``, ``11/2/26, 2:40 PM``).

    The value is shown in its own time zone (the business time zone the queries return)."""
    from babel.dates import format_datetime

    return "–" if value is None else format_datetime(value, width, tzinfo=value.tzinfo, locale=babel_locale())


def fmt_date(value: date | None, width: str = "medium") -> str:
    """A date in the locale's format (``2026年11月2日``, ``Nov 2, 2026``)."""
    from babel.dates import format_date

    return "–" if value is None else format_date(value, width, locale=babel_locale())


def fmt_time(value: datetime | None) -> str:
    """The time of day, 24-hour (``14:40``) in every language."""
    from babel.dates import format_skeleton

    return "–" if value is None else format_skeleton("Hm", value, locale=babel_locale())


def fmt_day(value: date | None) -> str:
    """A short day without the year (``11月2日``, ``Nov 2``)."""
    from babel.dates import format_skeleton

    return "–" if value is None else format_skeleton("MMMd", value, locale=babel_locale())


# ----------------------------------------------------------------------------- vocabularies

CATEGORY = {
    "ABUSE": N_("Abuse"),
    "THREAT_VIOLENCE": N_("Threat of violence"),
    "THREAT_THIRD_PARTY": N_("Threat to tell third parties"),
    "THIRD_PARTY_DISCLOSURE": N_("Disclosure to a third party"),
    "FALSE_AUTHORITY": N_("False authority"),
    "CASH_OR_CARD_REQUEST": N_("Cash or card request"),
    "MISSING_IDENTIFICATION": N_("Missing identification"),
    "VISIT_PROCEDURE": N_("Visit procedure"),
    "VISIT_ELIGIBILITY": N_("Visit eligibility"),
    "VISIT_STAFFING": N_("Visit staffing"),
    "CONTACT_HOURS": N_("Contact hours"),
    "CONTACT_FREQUENCY": N_("Contact frequency"),
    "RECORDING_INTEGRITY": N_("Recording integrity"),
    "CONDUCT": N_("Conduct"),
}
SEVERITY = {"critical": N_("critical"), "high": N_("high"), "medium": N_("medium"), "low": N_("low")}
REVIEW = {"open": N_("open"), "confirmed": N_("confirmed"), "dismissed": N_("dismissed"),
          "appealed": N_("appealed"), "suspected": N_("suspected")}
STATUS = {"audited": N_("audited"), "no_recording": N_("no recording"), "failed": N_("failed"),
          "pending": N_("pending")}
KIND = {"call": N_("call"), "visit": N_("visit")}
OUTCOME = {"answered": N_("answered"), "no_answer": N_("no answer"), "busy": N_("busy"),
           "rejected": N_("rejected"), "failed": N_("failed"), "voicemail": N_("voicemail")}
ROLE = {
    "agent": N_("agent"),
    "debtor": N_("debtor"),
    "relative": N_("relative"),
    "third_party": N_("third party"),
}
ACTION = {"confirm": N_("confirm"), "dismiss": N_("dismiss"), "appeal": N_("appeal"), "reopen": N_("reopen")}
USER_ROLE = {"admin": N_("admin"), "supervisor": N_("supervisor"), "team_lead": N_("team lead"),
             "agent": N_("agent")}


def _label(table: dict[str, str], value: str | None) -> str:
    if not value:
        return ""
    msgid = table.get(value)
    return _(msgid) if msgid else value


def category_label(value: str | None) -> str:
    """A finding category (``THREAT_THIRD_PARTY``) in the current language; unknown ones as they are."""
    return _label(CATEGORY, value)


def severity_label(value: str | None) -> str:
    return _label(SEVERITY, value)


def review_label(value: str | None) -> str:
    return _label(REVIEW, value)


def status_label(value: str | None) -> str:
    return _label(STATUS, value)


def kind_label(value: str | None) -> str:
    return _label(KIND, value)


def outcome_label(value: str | None) -> str:
    return _label(OUTCOME, value)


def role_label(value: str | None) -> str:
    return _label(ROLE, value)


def action_label(value: str | None) -> str:
    return _label(ACTION, value)


def user_role_label(value: str | None) -> str:
    return _label(USER_ROLE, value)


def rule_title(rule) -> str:
    """A rule's title from the pack in the current language (``title_zh`` / ``title_en``)."""
    title = getattr(rule, "title_en" if current() == "en" else "title_zh", "")
    return title or getattr(rule, "title_zh", "") or getattr(rule, "id", "")
