"""Masking of personal numbers in transcripts and evidence.

Collection calls are full of numbers a supervisor's screen need not show to every viewer: the
debtor's mobile number, the 18-digit resident ID card number, bank card numbers. ASR writes
them either as Arabic digits (``13812345678``), spaced or hyphenated (``138 1234 5678``), or
digit by digit in Chinese numerals (``一三八一二三四五六七八``, with 幺 for one and 两 for two).
:func:`mask_pii` finds runs of such digits and masks the middle of those whose length and
shape match one of the three kinds, keeping the original characters of the visible ends so the
text still reads naturally.

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
# A run: digits, optionally separated by single spaces or hyphens (how ASR and people group
# numbers), optionally ending with the ID card's check character X.
_RUN = re.compile(rf"[{_DIGIT_CLASS}](?:[ \-\u00a0]?[{_DIGIT_CLASS}])*(?:[ \-]?[Xx叉])?")


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


def find_pii(text: str) -> list[Masked]:
    """Locate mobile, ID-card and bank-card numbers in ``text``.

    Args:
        text: A transcript line or a finding's evidence.

    Returns:
        The numbers found, in text order.
    """
    found = []
    for match in _RUN.finditer(text):
        run = match.group()
        digits = "".join("X" if ch in "Xx叉" else _DIGIT_MAP[ch] for ch in run if ch not in " -\u00a0")
        kind = _classify(digits)
        if kind is None and digits.endswith("X"):
            # An "X" that is not an ID-card check digit is just a letter after a number.
            run = run.rstrip("Xx叉 -")
            digits = digits[:-1]
            kind = _classify(digits)
        if kind is not None:
            found.append(Masked(kind[0], match.start(), match.start() + len(run)))
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
        digit_positions = [i for i, ch in enumerate(run) if ch not in " -\u00a0"]
        kind = _classify("".join("X" if run[i] in "Xx叉" else _DIGIT_MAP[run[i]] for i in digit_positions))
        assert kind is not None  # find_pii only returns classifiable runs
        _, keep_head, keep_tail = kind
        hidden = set(digit_positions[keep_head:len(digit_positions) - keep_tail])
        out.append("".join(MASK_CHAR if i in hidden else ch for i, ch in enumerate(run)))
        pos = hit.end
    out.append(text[pos:])
    return "".join(out)
