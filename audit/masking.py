"""Masking of personal numbers in transcripts and evidence.

Collection calls are full of numbers a supervisor's screen need not show to every viewer: the
debtor's mobile number, the 18-digit resident ID card number, bank card numbers. ASR writes
them as Arabic or full-width digits (``13812345678``, ``１３８１２３４５６７８``), in groups
separated by spaces, dashes or commas (``138 1234 5678``, ``138-1234-5678``, ``138,1234,5678``,
``１３８，１２３４，５６７８``), or digit by digit in Chinese numerals
(``一三八一二三四五六七八``, with 幺 for one and 两 for two). :func:`mask_pii` finds runs of
such digits and masks the middle of those whose length and shape match one of the three kinds,
keeping the original characters of the visible ends so the text still reads naturally. A run
that is not one number as a whole (two mobiles in a comma-separated list) is tried group by
group, so joining numbers with a separator never hides them from masking.

Which roles see clear text is decided by :mod:`audit.auth` (``User.see_pii``); this module
only transforms text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MASK_CHAR = "*"

# Digit-by-digit readings only: 十/百 are place values, never part of a spoken card number.
_CHINESE_DIGITS = {
    "零": "0", "〇": "0", "○": "0", "洞": "0",
    "一": "1", "幺": "1", "壹": "1",
    "二": "2", "两": "2", "贰": "2",
    "三": "3", "叁": "3",
    "四": "4", "肆": "4",
    "五": "5", "伍": "5",
    "六": "6", "陆": "6",
    "七": "7", "拐": "7", "柒": "7",
    "八": "8", "捌": "8",
    "九": "9", "勾": "9", "玖": "9",
}
_FULLWIDTH = {chr(0xFF10 + i): str(i) for i in range(10)}
_DIGIT_MAP = {**_CHINESE_DIGITS, **_FULLWIDTH, **{str(i): str(i) for i in range(10)}}
_DIGIT_CLASS = "0-9" + "".join(_FULLWIDTH) + "".join(_CHINESE_DIGITS)
_X_CHARS = "Xx叉"  # the ID card's check character, as written or read out
# How people and ASR group the digits of one number: spaces (ASCII, no-break, ideographic),
# dashes (ASCII, Unicode hyphens and dashes, minus, full-width) and commas (ASCII, full-width,
# the ideographic 、). Not the full stop: 12345.67 is an amount.
SEPARATORS = " \u00a0\u3000-\u2010\u2011\u2012\u2013\u2014\u2212\uff0d,\uff0c\u3001"
_SEP_CLASS = re.escape(SEPARATORS)
# A run: digits, with up to three separator characters between them (", " and " - " included),
# optionally ending with the ID card's check character X.
_RUN = re.compile(rf"[{_DIGIT_CLASS}](?:[{_SEP_CLASS}]{{0,3}}[{_DIGIT_CLASS}])*(?:[{_SEP_CLASS}]?[{_X_CHARS}])?")
_GROUP = re.compile(rf"[^{_SEP_CLASS}]+")


@dataclass(frozen=True)
class Masked:
    """One masked number: what kind it was and where it sat in the original text."""

    kind: str  # mobile | id_card | bank_card
    start: int
    end: int


def _classify(digits: str) -> tuple[str, int, int] | None:
    """Kind of a digit string and how many leading/trailing digits stay visible, or None."""
    if digits.startswith("86") and len(digits) == 13 and re.fullmatch(r"861[3-9]\d{9}", digits):
        return "mobile", 5, 4  # +86 prefix, then 3 + 4 visible as for a plain mobile
    if len(digits) == 11 and re.fullmatch(r"1[3-9]\d{9}", digits):
        return "mobile", 3, 4
    if len(digits) == 18 and re.fullmatch(r"\d{17}[\dX]", digits):
        # 6-digit region code, 8-digit birth date, 3-digit sequence, check digit; the birth
        # date is what identifies a person, so it is masked along with the sequence.
        return "id_card", 6, 4
    if 16 <= len(digits) <= 19 and digits.isdigit():
        return "bank_card", 0, 4
    return None


def _digits(run: str) -> str:
    """The Arabic digits (and check ``X``) a run spells, separators dropped."""
    return "".join("X" if ch in _X_CHARS else _DIGIT_MAP[ch] for ch in run if ch not in SEPARATORS)


def _classify_run(run: str) -> tuple[tuple[str, int, int], int] | None:
    """Kind of a run and the length of it that is the number, or None."""
    kind = _classify(_digits(run))
    if kind is not None:
        return kind, len(run)
    if run[-1] in _X_CHARS:
        # An "X" that is not an ID-card check digit is just a letter after a number.
        stripped = run.rstrip(_X_CHARS + SEPARATORS)
        if stripped:
            kind = _classify(_digits(stripped))
            if kind is not None:
                return kind, len(stripped)
    return None


def find_pii(text: str) -> list[Masked]:
    """Locate mobile, ID-card and bank-card numbers in ``text``.

    A run of digits is first tried as one number; if it is none of the three kinds, the longest
    stretches of whole separator-delimited groups are tried from the left, so
    ``13812345678，13912345678`` gives two mobiles rather than one unknown 22-digit number.

    Args:
        text: A transcript line or a finding's evidence.

    Returns:
        The numbers found, in text order.
    """
    found = []
    for match in _RUN.finditer(text):
        run, base = match.group(), match.start()
        groups = [(g.start(), g.end()) for g in _GROUP.finditer(run)]
        i = 0
        while i < len(groups):
            for j in range(len(groups) - 1, i - 1, -1):
                hit = _classify_run(run[groups[i][0]:groups[j][1]])
                if hit is not None:
                    start = base + groups[i][0]
                    found.append(Masked(hit[0][0], start, start + hit[1]))
                    i = j + 1
                    break
            else:
                i += 1
    return found


def mask_pii(text: str | None) -> str:
    """Return ``text`` with personal numbers masked (``138****5678``, ``6222***********1234``).

    Separators and the characters of the visible ends are kept as written; every hidden digit
    becomes ``*``. Text without such numbers is returned unchanged.

    Args:
        text: A transcript line or a finding's evidence; ``None`` gives ``""``.
    """
    if not text:
        return text or ""
    out = []
    pos = 0
    for hit in find_pii(text):
        out.append(text[pos:hit.start])
        run = text[hit.start:hit.end]
        digit_positions = [i for i, ch in enumerate(run) if ch not in SEPARATORS]
        kind = _classify(_digits(run))
        assert kind is not None  # find_pii only returns classifiable runs
        _, keep_head, keep_tail = kind
        hidden = set(digit_positions[keep_head:len(digit_positions) - keep_tail])
        out.append("".join(MASK_CHAR if i in hidden else ch for i, ch in enumerate(run)))
        pos = hit.end
    out.append(text[pos:])
    return "".join(out)


# Two-character surnames: 欧阳娜娜 is shown 欧阳**, not 欧***.
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文",
                     "司徒", "夏侯", "轩辕", "令狐", "端木", "独孤", "南宫", "西门", "百里", "呼延", "澹台")


def surname_of(name: str) -> str:
    """The surname of a Chinese full name (陈明: 陈, 欧阳娜娜: 欧阳); the first letter otherwise."""
    name = (name or "").strip()
    return name[:2] if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else name[:1]


def mask_name(name: str | None) -> str:
    """A person's name as a viewer without ``see_pii`` and a redacted pack show it: the surname
    kept, every other letter ``*`` (陈明 → 陈*, 欧阳娜娜 → 欧阳**, Li Na → L* **). The debtor's name
    is personal data like the number dialled."""
    if not name:
        return name or ""
    keep = len(surname_of(name))
    return name[:keep] + "".join(MASK_CHAR if ch.isalpha() else ch for ch in name[keep:])


def can_touch_masked(query: str) -> bool:
    """Whether a substring search for ``query`` could match across a masked digit.

    :func:`mask_pii` only ever replaces digit characters (Arabic, full-width, Chinese) with
    :data:`MASK_CHAR`, so a query holding neither matches the masked and the clear text at the
    same places, and a search may run on the clear text.
    """
    return any(ch in _DIGIT_MAP or ch == MASK_CHAR for ch in query)
