"""Names Whisper base wrote as characters that make no word (round 4, docs/hearing.md).

A name the model never saw comes out as characters of the same or a near sound: 建行 as 见航,
县航, 宪行; 闽川 as 敏川, 宁传, 米川; 澄远 as 承远, 呈演, 城眼; the collector 柯慧敏 as 科会领, 程雪 as
乘写. Rounds 1–3 restored a two-character name only in a frame that only an organisation fills,
because a short name sounds like common words (中信 like 中心, 易佳 like 一家). The other side of
that: where the heard characters make **no word** — not a word of the dictionary themselves, and
no word of the dictionary runs across their edges — nothing that was said is lost by writing the
name there. :func:`loose` is that test (jieba's dictionary, the one the rules engine segments
with). It is what lets :meth:`pipelines.correct.Corrector` restore a call's two-character name
wherever it stands, and the collector's full name in a self-introduction, without rewriting the
common words that sound like them (成员 for 澄远, 广大 for 光大, 朋友 for 彭旭 stay).
"""

from __future__ import annotations

import re
from functools import lru_cache

# a dictionary entry this frequent or more is a word (jieba's counts: 进行 54,355, 交还 222, 还行 3,
# 呈验 3; its prefixes are stored with 0)
WORD_FREQ = 10
_HAN = re.compile(r"^[\u4e00-\u9fff]+$")


@lru_cache(maxsize=1)
def _freq() -> dict[str, int]:
    from audit.rules.matcher import _jieba

    jieba = _jieba()
    jieba.initialize()
    return jieba.dt.FREQ  # type: ignore[no-any-return]


def tone(char: str) -> str:
    """The tone of ``char`` read alone (1–4, 5 for the neutral tone)."""
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(char, style=Style.TONE3, neutral_tone_with_five=True)[0][-1:]


def _as_dictionary_reads(text: str) -> str:
    """``text`` in Simplified characters (the dictionary's), where that keeps every position."""
    from audit.text import to_simplified

    simplified = to_simplified(text)
    return simplified if len(simplified) == len(text) else text


def is_word(text: str) -> bool:
    """``text`` is a word of the dictionary (two characters or more, frequent enough)."""
    return len(text) >= 2 and _freq().get(text, 0) >= WORD_FREQ


def loose(text: str, i: int, n: int, allow: str = "") -> bool:
    """``text[i:i + n]`` is all Chinese, not a word, and no entry of the dictionary of two to four
    characters (however rare: 干嘛 is counted 3 times) overlaps it other than inside it: 都在宁传的应用里
    (宁传 is loose), 家庭成员 (成员 is a word), 提交航班 (交航 is not: 提交 and 航班 run across its
    edges). Traditional characters are read as Simplified (the dictionary's). No character of
    :data:`COMMON` in it but those ``allow`` names (a person's name heard as 科会领 holds 会)."""
    text = _as_dictionary_reads(text)
    stretch = text[i:i + n]
    if len(stretch) != n or not _HAN.match(stretch) or is_word(stretch) or any(
            c in COMMON and c not in allow for c in stretch):
        return False
    freq = _freq()
    for a in range(max(0, i - 3), i + n):
        for b in range(max(a + 2, i + 1), min(len(text), a + 4) + 1):
            if (a, b) != (i, i + n) and not (i <= a and b <= i + n) and freq.get(text[a:b], 0) > 0:
                return False
    return True


def bounded(text: str, i: int, n: int) -> bool:
    """The characters on each side of ``text[i:i + n]`` are not the rest of a name: each is a
    pause, a common function character, a frame character (受 and how it is misheard, 卡, 借, 欠), or
    part of a word that lies wholly on its side (问问县航, 那张江航卡, 电行信用卡). 在快易借的 is not
    bounded at 易借: 快 is part of nothing, the name there is 快易借."""
    text = _as_dictionary_reads(text)
    freq = _freq()
    left, right = i - 1, i + n
    if left >= 0 and _HAN.match(text[left]) and text[left] not in COMMON + _FRAME and not any(
            freq.get(text[a:left + 1], 0) > 0 for a in range(max(0, left - 3), left)):
        return False
    return not (right < len(text) and _HAN.match(text[right]) and text[right] not in COMMON + _FRAME and not any(
        freq.get(text[right:b], 0) > 0 for b in range(right + 2, min(len(text), right + 4) + 1)))


_FRAME = "受收首秀找跟用走到去从向问叫打卡借欠在委伟尾"  # 委 of 委托 and how it is misheard

# Characters of the commonest function words and numbers: never part of a name heard garbled
# (不发 is not 浦发, 很会 not 诚汇, 五发 not 浦发, 和童 not 汇通)
COMMON = "的了是不没很会要可为吗呢吧啊么我你您他她它们在有这那就也都和与还再又个一二三四五六七八九十两几把被让给对说"


# A collector's self-introduction: the name follows 我是 / 我叫, or the call's organisation + 的
# (我是博岳公司的科会领 → 柯慧敏, 我是瑞岚资产的乘写 → 程雪).
INTRO = re.compile(r"(?:我是|我叫|我们是)$")


# A person addressed by full name and title (session 8): 请问是X先生, 您是X女士吗; 是 heard 试 or 事.
_ADDRESS_BEFORE = re.compile(r"(?:[是试事市找]|请问|您|你)$")
_TITLES = ("先生", "女士")


def addressed(text: str, people: list[str], fixed: list[bool]) -> str:
    """The call's people addressed by full name before 先生 / 女士 (请问试和这名先生吗 → 何志明,
    吴海豪先生 → 吴海涛 where the log names the debtor 吴海涛): a stretch of the name's length after
    是 / 请问 / 您 / 找, not a word, its first syllable the surname's sound, the rest two letters off
    in all at most. Without the log's name nothing is rewritten: 是王先生吗 stays."""
    from rapidfuzz.distance import Levenshtein

    from pipelines.pinyin_keys import _key, _text_keys

    keys = _text_keys(text)
    chars = list(text)
    for person in people:
        key, n = _key(person), len(person)
        for i in range(1, len(chars) - n + 1):
            stretch = "".join(chars[i:i + n])
            if (stretch == person or any(fixed[i:i + n]) or None in keys[i:i + n] or not _HAN.match(stretch)
                    or not text.startswith(_TITLES, i + n) or not _ADDRESS_BEFORE.search(text[:i])
                    or is_word(_as_dictionary_reads(stretch))):
                continue
            distances = [0 if c == m else min(Levenshtein.distance(r, y) for r in k)
                         for c, m, k, y in zip(stretch, person, keys[i:i + n], key)]
            if distances[0] == 0 and sum(distances) <= 2:
                chars[i:i + n] = list(person)
    return "".join(chars)


# what comes before a form of address (是王先生吗, 请问汪女士, 跟郝先生说, 的严先生)
_BEFORE_ADDRESS = "是问您你找跟给的和叫吗啊呢吧了位"


def heard_as_person(text: str, i: int, word: str) -> bool:
    """May the call's person ``word`` (a full name, or a surname + 先生 / 女士 from the log) be written
    over ``text[i:i + len(word)]``, which sounds the same (session 9)? A form of address only where
    the title is said as such (or heard as its sound at the start of a clause: 变女是您好 → 卞女士, or
    as no word after a character of :data:`_BEFORE_ADDRESS`: 跟房女是本人说 → 房女士, not 找王律师 → 汪女士)
    and the surname stands on its own: after a pause, a word that comes
    before a form of address, or a word of the dictionary that ends there (颜先生 → 闫先生 where the log
    names 闫志鹏, 谢谢前先生 → 钱先生; not 黄晓燕女士 → 黄晓杨 where it names 杨帆, 王建国先生 → 王建郭,
    可以先申请 → 可易先生请). A full name only where one of the heard characters is the name's own or
    they make no word (:func:`loose`: 言国动 → 严国栋, 张国庆 → 詹国庆; not 您之前 → 宁志强, 反正逾期 →
    方振宇期), or where it is said before its title and a name begins there (审得傅先生吗 → 沈德富)."""
    n = len(word)
    stretch = text[i : i + n]
    if stretch == word:
        return True
    if word.endswith(_TITLES) and n > 2:
        surname = n - 2
        heard_title = _as_dictionary_reads(text[i + surname : i + n])
        said = (text.startswith(word[surname:], i + surname) or i == 0 or not _HAN.match(text[i - 1])
                or (text[i - 1] in _BEFORE_ADDRESS and not is_word(heard_title)))
        return said and _stands_alone(_as_dictionary_reads(text), i)
    if text.startswith(_TITLES, i + n) and _stands_alone(_as_dictionary_reads(text), i):
        return True  # a full name said before its title, where a name begins (审得傅先生吗 → 沈德富)
    return any(c == w for c, w in zip(stretch, word)) or loose(text, i, n)


def _stands_alone(text: str, i: int) -> bool:
    """``text[i]`` begins no longer run of a name: before it a pause, a character of
    :data:`_BEFORE_ADDRESS`, or a word of the dictionary that ends there, and no word across ``i``."""
    if i == 0 or not _HAN.match(text[i - 1]) or text[i - 1] in _BEFORE_ADDRESS:
        return True
    freq = _freq()
    if any(freq.get(text[a : i + 1], 0) > 0 for a in range(max(0, i - 3), i)):
        return False  # a word across the edge (石磊先生, 建国先生)
    return any(freq.get(text[a:i], 0) > 0 for a in range(max(0, i - 4), i - 1))  # 谢谢 | 钱先生
