"""Text normalisation and pinyin keys for matching Chinese speech.

Transcripts arrive in Simplified or Traditional characters, with or without punctuation, and
with ASR spelling errors that keep the sound but change the character ("于七" for "逾期",
"通信路" for "通讯录"). The rule engine therefore matches on three views of an utterance:

* the normalised characters (:func:`normalize`: Traditional→Simplified, NFKC, punctuation and
  whitespace removed, ASCII lower-cased);
* toneless pinyin, one syllable per character (:func:`pinyin_of`);
* a *fuzzy* sound key per character (:func:`fuzzy_of`) that merges the confusions Mandarin
  ASR and southern accents produce: zh/z, ch/c, sh/s, n/l, r/l, f/h, ü/i, and the endings
  -n/-ng/-i after a vowel (an/ang/ai, en/eng/ei, in/ing ...).

Every view is computed per character from a cache, so the cost per utterance is a dictionary
lookup per character, not a call into pypinyin or OpenCC.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# Chinese and ASCII punctuation that ends a sentence or a clause; everything else that is not a
# word character is simply dropped.
SENTENCE_PUNCT = "。！？!?；;…\n"
CLAUSE_PUNCT = "，,、：:\u3000 \t"
_DROP_RE = re.compile(r"[\W_]+", re.UNICODE)
_SENTENCE_RE = re.compile("[" + re.escape(SENTENCE_PUNCT) + "]+")
_BOUNDARY_RE = re.compile(r"[\W_]+", re.UNICODE)


class _Converter:
    """Traditional→Simplified with a per-character fast path.

    OpenCC's pure-Python converter is slow; most transcripts contain no Traditional character
    at all, so each character is converted once and remembered, and only an utterance that
    holds a character which changes goes through the full (phrase-aware) conversion.
    """

    def __init__(self) -> None:
        self._cc = None
        self._changes: dict[str, bool] = {}
        self._plain: set[str] = set()

    def _opencc(self):
        if self._cc is None:
            from opencc import OpenCC  # opencc-python-reimplemented; imported lazily

            self._cc = OpenCC("t2s")
        return self._cc

    def needs(self, text: str) -> bool:
        chars = set(text)
        # fast path: every character already known to stay the same (one C-level subset test)
        if chars <= self._plain:
            return False
        changes = self._changes
        for ch in chars:
            known = changes.get(ch)
            if known is None:
                if ch < "\u3400":  # ASCII, punctuation, kana: never Traditional
                    known = False
                else:
                    known = self._opencc().convert(ch) != ch
                changes[ch] = known
                if not known:
                    self._plain.add(ch)
            if known:
                return True
        return False

    def convert(self, text: str, phrases: bool = False) -> str:
        if not text or (not phrases and not self.needs(text)):
            return text
        return self._opencc().convert(text)


_T2S = _Converter()

# Simplified variants ASR and typists use for the same word: 帐户/账户, 帐号/账号.
_VARIANTS = str.maketrans({"帐": "账"})


# OpenCC keeps 著 (valid in Simplified for 著名/显著), but in Traditional speech it is mostly
# the particle 着 (等著, 看著, 著急).
_ZHE_RE = re.compile(r"(?<![显卓土昭编原专巨名论])著(?![名作称述书录])")


def to_simplified(text: str, *, phrases: bool = False) -> str:
    """Convert Traditional characters to Simplified (a no-op for Simplified text).

    The one Traditional→Simplified conversion of the code base (OpenCC ``t2s`` plus the fixes
    below): the rule scan calls it on every utterance, the pipeline once per transcript with
    ``phrases=True``.

    Also 妳 → 你: OpenCC keeps 妳 (the Taiwanese feminine "you"), which Whisper writes for
    你 and which Mainland Simplified does not use.

    Args:
        phrases: always run OpenCC's phrase-aware conversion. By default text whose characters
            each stay the same is returned as is (fast, for the rule scan), which misses the
            few phrases whose characters are also Simplified on their own (答覆 → 答复); the
            pipeline converts transcripts once with ``phrases=True``.
    """
    text = _T2S.convert(text, phrases)
    if "著" in text:
        text = _ZHE_RE.sub("着", text)
    if "妳" in text:
        text = text.replace("妳", "你")
    return text


class _KeepTable(dict):
    r"""``str.translate`` table, filled on first use: drop what ``[\W_]`` matches, map variants.

    ``re``'s ``\w`` is exactly ``str.isalnum()`` plus ``_``, so a character is kept iff it is
    alphanumeric; one C-level ``translate`` then replaces a regex substitution and a second
    translation per utterance.
    """

    def __missing__(self, code: int) -> int | str | None:
        ch = chr(code)
        value: int | str | None = ch.translate(_VARIANTS) if ch.isalnum() else None
        if isinstance(value, str) and value == ch:
            value = code
        self[code] = value
        return value


_KEEP = _KeepTable()


def normalize(text: str) -> str:
    """Return the matching form of an utterance.

    Traditional→Simplified, NFKC (full-width letters and digits to ASCII), ASCII lower-cased,
    and every character that is not a letter, digit or CJK character removed.

    Example:
        >>> normalize("我們不收現金， 請用官方 ＡＰＰ！")
        '我们不收现金请用官方app'
    """
    text = to_simplified(text)
    if text.isascii():
        return _DROP_RE.sub("", text).lower()
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    # after NFKC, as before: the variants (帐→账) and the dropped characters
    return text.translate(_KEEP).lower()


def boundaries(text: str) -> tuple[list[int], list[int]]:
    """Clause and sentence starts of ``text``, as offsets into ``normalize(text)``.

    Negation and reported speech are scoped to a clause or a sentence; the punctuation that
    marks them is gone from the normalised text, so its positions are recorded here. Text
    without punctuation (raw ASR output often has none) is one clause.

    Returns:
        ``(clause_starts, sentence_starts)``, both sorted and starting with 0.
    """
    text = to_simplified(text)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    clauses = [0]
    sentences = [0]
    offset = 0
    pos = 0
    for match in _BOUNDARY_RE.finditer(text):
        offset += match.start() - pos
        pos = match.end()
        if offset == 0:
            continue
        if offset != clauses[-1]:
            clauses.append(offset)
        if _SENTENCE_RE.search(match.group()) and offset != sentences[-1]:
            sentences.append(offset)
    return clauses, sentences


@cache
def _char_pinyin(ch: str) -> str:
    from pypinyin import Style, lazy_pinyin  # heavy dictionaries: loaded on first use

    if "\u3400" <= ch <= "\u9fff":
        return lazy_pinyin(ch, style=Style.NORMAL)[0]
    return ch


class _PinyinTable(dict):
    """Character → toneless pinyin plus a trailing separator, filled on first use."""

    def __missing__(self, ch: str) -> str:
        value = _char_pinyin(ch) + " "
        self[ch] = value
        return value


class _FuzzyTable(dict):
    """Character → fuzzy sound key plus a trailing separator, filled on first use."""

    def __missing__(self, ch: str) -> str:
        value = fuzzy_syllable(_char_pinyin(ch)) + " "
        self[ch] = value
        return value


class _FuzzyByCode(dict):
    """The same keys by code point, for ``str.translate`` (one C-level pass per utterance)."""

    def __missing__(self, code: int) -> str:
        value = _FUZZY[chr(code)]
        self[code] = value
        return value


_PINYIN = _PinyinTable()
_FUZZY = _FuzzyTable()
_FUZZY_BY_CODE = _FuzzyByCode()

_INITIALS = ("zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h",
             "j", "q", "x", "r", "z", "c", "s", "y", "w")
_MERGE_INITIAL = {"zh": "z", "ch": "c", "sh": "s", "n": "l", "r": "l", "f": "h"}


_FINE_INITIAL = {"zh": "z", "ch": "c", "sh": "s", "n": "l"}


def _split(syllable: str) -> tuple[str, str]:
    for candidate in _INITIALS:
        if syllable.startswith(candidate) and len(syllable) > len(candidate):
            return candidate, syllable[len(candidate):]
    return "", syllable


@cache
def fine_syllable(syllable: str) -> str:
    """The common Mandarin ASR/accent confusions only: zh/z, ch/c, sh/s, n/l, ü/i, -ng/-n.

    Examples: ``shi`` → ``si``; ``xun`` → ``xin``; ``lang`` → ``lan``. Coarser merges
    (``lai``/``lan``) are :func:`fuzzy_syllable`.
    """
    if not syllable.isascii() or not syllable.isalpha():
        return syllable
    initial, final = _split(syllable)
    if initial in ("j", "q", "x", "y") and final.startswith("u"):
        final = "v" + final[1:]
    final = final.replace("v", "i")
    if final.endswith("ng") and len(final) > 2:
        final = final[:-1]
    return _FINE_INITIAL.get(initial, initial) + final


@cache
def fuzzy_syllable(syllable: str) -> str:
    """Collapse a toneless pinyin syllable to its ASR-confusable class.

    Examples: ``lai``/``lan``/``lang`` → ``la``; ``xin``/``xun`` → ``xi``; ``zhi`` → ``zi``.
    Non-pinyin input (digits, Latin letters) is returned unchanged.
    """
    if not syllable.isascii() or not syllable.isalpha():
        return syllable
    initial, final = _split(syllable)
    if initial in ("j", "q", "x", "y") and final.startswith("u"):
        final = "v" + final[1:]  # ju/qu/xu/yu are written with u but sound ü
    final = final.replace("v", "i")
    initial = _MERGE_INITIAL.get(initial, initial)
    for ending in ("ng", "n"):
        if final.endswith(ending) and len(final) > len(ending):
            final = final[: -len(ending)]
            break
    else:
        if len(final) > 1 and final.endswith("i") and final[-2] in "aeu":
            final = final[:-1]
    return initial + final


def pinyin_of(text: str) -> str:
    """Toneless pinyin of already normalised text: one syllable and a space per character."""
    table = _PINYIN
    return "".join([table[c] for c in text])


def fuzzy_of(text: str) -> str:
    """Fuzzy sound key of already normalised text: one key and a space per character."""
    return text.translate(_FUZZY_BY_CODE)


class _SyllableSymbols(dict):
    """Code point → one symbol per syllable (``str.translate`` table), filled on first use.

    A Chinese character becomes a private-use character that stands for its toneless pinyin
    (or its fuzzy sound key), every other character stays itself, so a sentence's sound is a
    string as long as the sentence: string similarity then compares syllables the way it
    compares characters, and a position in it is a position in the normalised text.
    """

    def __init__(self, key) -> None:
        super().__init__()
        self._key = key
        self._symbols: dict[str, str] = {}

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if "\u3400" <= ch <= "\u9fff":
            syllable = self._key(_char_pinyin(ch))
            value = self._symbols.get(syllable)
            if value is None:
                value = self._symbols[syllable] = chr(0xE000 + len(self._symbols))  # Private Use Area
        else:
            value = ch
        self[code] = value
        return value


_PINYIN_SYMBOLS = _SyllableSymbols(lambda s: s)
_FUZZY_SYMBOLS = _SyllableSymbols(fuzzy_syllable)


def syllables_of(text: str, *, fuzzy: bool = False) -> str:
    """One symbol per character of already normalised text: equal symbols sound the same.

    Args:
        fuzzy: merge the confusable sounds of :func:`fuzzy_syllable` (zh/z, n/l, an/ang …)
            instead of comparing toneless pinyin.

    Example:
        >>> syllables_of("于期") == syllables_of("逾期")
        True
    """
    return text.translate(_FUZZY_SYMBOLS if fuzzy else _PINYIN_SYMBOLS)


def term_pinyins(term: str) -> set[str]:
    """Pinyin readings of a lexicon term (normalised), in the per-character form.

    A term is read both as a phrase (pypinyin picks the right reading of a polyphonic
    character, 银行 → yin hang) and character by character (the form :func:`pinyin_of` gives an
    utterance), so both spellings of the utterance side can match.
    """
    from pypinyin import Style, lazy_pinyin

    term = normalize(term)
    # pypinyin's hints say errors= returns a str; it takes a list of readings (one per character) too
    phrase = lazy_pinyin(term, style=Style.NORMAL, errors=lambda s: list(s))  # type: ignore[arg-type,return-value]
    readings = {pinyin_of(term)}
    if len(phrase) == len(term):
        readings.add("".join(p + " " for p in phrase))
    return readings


def term_fuzzy_keys(term: str) -> set[str]:
    """Fuzzy keys of a lexicon term (see :func:`term_pinyins`)."""
    return {"".join(fuzzy_syllable(s) + " " for s in reading.split()) for reading in term_pinyins(term)}
