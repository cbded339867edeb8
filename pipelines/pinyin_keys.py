"""Chinese text as syllables, for matching what was heard against the call's words by sound.

Every character's pinyin without tones, fuzzed the way a small model (and a southern speaker)
confuses them: zh/ch/sh as z/c/s, n as l, -ng as -n. A run of characters is read as words
(银行: yin hang, not yin xing). Shared by the pinyin corrector (:mod:`pipelines.correct`) and the
names heard as no word (:mod:`pipelines.names_heard`); pypinyin is imported on first use.
"""

from __future__ import annotations

import re
from functools import lru_cache

_FUZZY = [(re.compile(r"^(z|c|s)h"), r"\1"), (re.compile(r"^n"), "l"), (re.compile(r"(a|e|i)ng$"), r"\1n")]
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")


@lru_cache(maxsize=65536)
def _syllable(char: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return _fuzzy(lazy_pinyin(char, style=Style.NORMAL)[0])


def _fuzzy(syllable: str) -> str:
    for pattern, repl in _FUZZY:
        syllable = pattern.sub(repl, syllable)
    return syllable


@lru_cache(maxsize=65536)
def _run_keys(run: str) -> tuple[str, ...]:
    """The syllables of a run of Chinese characters read as words (银行 → yin hang, not yin xing)."""
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(run, style=Style.NORMAL)
    if len(syllables) != len(run):
        return tuple(_syllable(c) for c in run)
    return tuple(_fuzzy(x) for x in syllables)


def _key(text: str) -> tuple[str, ...]:
    return _run_keys(text)


@lru_cache(maxsize=65536)
def _readings(char: str) -> tuple[str, ...]:
    """Every reading of one character (行: xing, hang, heng ...), fuzzed."""
    from pypinyin import Style, pinyin

    return tuple(dict.fromkeys(_fuzzy(x) for x in pinyin(char, style=Style.NORMAL, heteronym=True)[0]))


def _text_keys(text: str, every_reading: bool = False) -> list[tuple[str, ...] | None]:
    """Per character of ``text`` its readings: as part of a word, and on its own; with
    ``every_reading`` all readings of the character (a garbled transcript makes wrong words:
    广发言行 is read yan xing, but 行 there stands for hang). Every reading is for the call's names
    matched exactly only: matched approximately, or for the generic terms, it rewrites too much
    (前 as qian of 欠款, 会 as kuai)."""
    keys: list[tuple[str, ...] | None] = [None] * len(text)
    for run in _HAN_RUN.finditer(text):
        words = _run_keys(run.group())
        for offset, char in enumerate(run.group()):
            alone = _readings(char) if every_reading else (_syllable(char),)
            keys[run.start() + offset] = tuple(dict.fromkeys((words[offset], *alone)))
    return keys


# Onsets a small model confuses with each other: an off syllable of a name must keep its onset
# group (jie/jian, xin/qi, hui/gui, zhao/zhang; not wang/zhao, jin/ding).
_ONSET_GROUPS = ("jqx", "zcs", "bp", "dt", "gkh", "fh", "lnr", "m", "w", "y", "aeo")


def same_onset(a: str, b: str) -> bool:
    """Two fuzzed syllables begin with the same onset or onsets of one group."""
    return a[0] == b[0] or any(a[0] in g and b[0] in g for g in _ONSET_GROUPS)
