"""Short names heard as a common word where only an organisation stands (session 9, docs/hearing.md).

Whisper base writes a creditor's or agency's two-character name it rarely saw as a word of the
same or a near sound: 民生 as 名声, 迷声; 兴业 as 新叶, 新月; 中信 as 中心; 融悦 as 容怨.
Round 4 (:mod:`pipelines.names_heard`) restores such a name only where the heard characters make
no word; round 3 (``Corrector._in_org_frame``) only between a word before it that takes an
organisation (在, 到, 我是 …) and one after it. Here the words *after* it decide: what follows
only an organisation — ``…的官方``, ``…的客服``, ``…的应用``, ``…的借款``, ``…委托``, ``…信用卡``,
``…银行``, or the line of business of the call's own longer form (泰和 → ``…资产``, 德晟 → ``…公司``)
— lets a stretch two letters off in all stand for the call's name, one letter where the stretch is
a word of the dictionary; what may follow other things too (``…卡``, ``…的卡``, ``…的账单``,
``…的网点``) only a stretch one letter off. An off syllable keeps its onset group (平台 is not 平安,
医生 not 民生). Guards: the stretch is the whole of what stands there (no word runs across its left
edge, as :func:`pipelines.names_heard.bounded` reads it), it makes no word with what follows (信用卡
is not 兴业卡), it holds no function character or determiner (我行, 本行: the bank speaking of
itself), and it is not another institution's name or short form (光大 is not 广发, 工商 not 招商).
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from pipelines.pinyin_keys import same_onset

# Only an organisation is followed by these (…的官方渠道, 受…委托 and 委托 heard 伟托, …信用卡中心)
_STRONG = re.compile(r"的官方|[委伟为][托拖脱]|的客服|的应用|的app|的APP|的借款|的信用卡|信用卡|银行")
# these follow an organisation, but other things too (会员卡, 的账单 of a shop)
_WEAK = re.compile(r"的(?:卡|账单|网点|柜台|手机银行|分期)|卡")
_STRONG_LETTERS = 2
_WEAK_LETTERS = 1
# what stands for an organisation without naming it (本行, 该公司, 贵司)
_DETERMINERS = "本该贵此某各其"


@lru_cache(maxsize=256)
def _others(orgs: tuple[str, ...]) -> frozenset[str]:
    """The institutions a debtor may name besides the call's own, and every short form of them
    (光大银行: 光大; 招商银行: 招行)."""
    from audit.names import short_forms

    return frozenset(f for o in orgs for f in (o, *short_forms(o)))


def framed(
    name: str, suffixes: tuple[str, ...], chars: list[str], keys: list, fixed: list[bool], other_orgs: tuple[str, ...]
) -> None:
    """Write the call's two-character ``name`` over a stretch in an organisation's frame (above).

    ``suffixes``: the words that follow ``name`` in the call's longer forms (资产 of 泰和资产), each an
    anchor as strong as 银行; ``keys``: the readings of ``chars`` (:func:`pipelines.pinyin_keys._text_keys`);
    ``fixed``: positions already matched, left alone and updated; ``other_orgs``: institutions never
    rewritten into the call's name."""
    from pipelines.names_heard import COMMON, _as_dictionary_reads, _freq, is_word
    from pipelines.pinyin_keys import _key

    key = _key(name)
    others = _others(tuple(other_orgs))
    text = "".join(chars)
    freq = _freq()
    for i in range(len(chars) - 2):
        stretch = text[i : i + 2]
        if stretch == name or any(fixed[i : i + 2]) or None in keys[i : i + 2]:
            continue
        strong = bool(_STRONG.match(text, i + 2)) or any(text.startswith(s, i + 2) for s in suffixes)
        if not strong and not _WEAK.match(text, i + 2):
            continue
        if any(c in COMMON + _DETERMINERS for c in stretch):
            continue  # 我行的信用卡, 本行信用卡: the bank speaking of itself
        # the stretch read as a word (银行 is yin hang, not yin xing), each syllable against the name's
        near = [k[0] for k in keys[i : i + 2]]
        distances = [0 if c == m else Levenshtein.distance(r, y) for c, m, r, y in zip(stretch, name, near, key)]
        plain = _as_dictionary_reads(text)
        word = is_word(plain[i : i + 2])
        # a word of the dictionary one letter off at most (正规公司 is no 诚汇公司: two letters)
        if sum(distances) > (_STRONG_LETTERS if strong and not word else _WEAK_LETTERS):
            continue
        # an off syllable keeps its onset group (平台的官方 is not 平安's, 医生 not 民生)
        if any(d and not same_onset(r, y) for d, r, y in zip(distances, near, key)):
            continue
        if stretch in others or any(o.startswith(stretch) and text.startswith(o, i) for o in others):
            continue
        # the whole of what stands there (no word runs across its left edge), and no word with
        # what follows (信用 + 卡, 商业 + 银行)
        if _joined_on_the_left(plain, i, freq, word) or any(
            freq.get(plain[i:b], 0) > 0 for b in range(i + 3, min(len(text), i + 4) + 1)
        ):
            continue
        chars[i : i + 2] = list(name)
        fixed[i : i + 2] = [True, True]
        text = "".join(chars)


def _joined_on_the_left(text: str, i: int, freq: dict[str, int], word: bool) -> bool:
    """The character before ``text[i]`` may belong with it: a Chinese character that is no function
    or frame character (:data:`pipelines.names_heard.COMMON`, 受, 在, 这张 …) and, where the stretch
    is no word, no end of a word lying wholly before ``i``. A stretch that is a word comes after a
    pause or a function or frame character only (客服中心的官方: 客服 + 中心 is no name; 在中心的,
    请到名声的, 那张中心卡 are)."""
    from pipelines.names_heard import _FRAME, _HAN, COMMON

    left = i - 1
    if left < 0 or not _HAN.match(text[left]) or text[left] in COMMON + _FRAME + "张":
        return False
    if word or any(freq.get(text[a : i + b], 0) > 0 for a in range(max(0, left - 3), left + 1) for b in (1, 2)):
        return True  # a word after a word (客服中心), or a word across the edge (信用卡中心)
    return not any(freq.get(text[a : left + 1], 0) > 0 for a in range(max(0, left - 3), left))
