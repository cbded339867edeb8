"""The dashboard's and the exports' languages, and the spellings accepted for them.

Its own module, free of imports, because both :mod:`audit.settings` (which checks ``AUDIT_LANG``)
and :mod:`audit.i18n` (which translates) need it.
"""

from __future__ import annotations

DEFAULT_LANG = "zh_CN"
LANGS = ("zh_CN", "en")
LANG_NAMES = {"zh_CN": "简体中文", "en": "English"}
_ALIASES = {"zh": "zh_CN", "zh_cn": "zh_CN", "zh_hans": "zh_CN", "zh_hans_cn": "zh_CN", "cn": "zh_CN",
            "en": "en", "en_us": "en", "en_gb": "en"}


def normalize_lang(value: str) -> str:
    """``zh-CN``, ``zh_CN``, ``zh``, ``en``, ``en-US`` ... as one of :data:`LANGS`.

    Raises:
        ValueError: a language there is no catalog for; the message lists the choices.
    """
    key = str(value).strip().replace("-", "_").lower()
    if key in _ALIASES:
        return _ALIASES[key]
    raise ValueError(f"language {value!r} is not available; choose one of {', '.join(LANGS)} "
                     "(zh-CN and en-US are accepted too)")
