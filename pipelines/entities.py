"""Entity accuracy: were the names a supervisor reads heard exactly?

An *entity mention* is a stretch of a truth turn that names the creditor or the agency (any form
of :func:`pipelines.vocabulary.short_forms`: "招商银行", "招行", "信用卡中心", "诚汇资产", "鼎信公司")
or a person (the agent's or the debtor's name from the log; a surname with a form of address,
"陈先生", "王女士"; a surname given, "我姓刘"). A mention is *right* when it appears, character for
character after the CER normalisation, in the hypothesis text of the stored segments that overlap
the turn (widened by ``slack_s`` on each side, since segment edges move). Entity accuracy is the
share of mentions that are right, overall and per kind.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from pipelines.vocabulary import Vocabulary

KINDS = ("creditor", "agency", "people")
# The hundred commonest surnames cover most callers; a form of address after one is a person.
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
            "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
            "莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅"
            "童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连"
            "芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩"
            "明佘池查麻苑迟邝")
_PERSON = re.compile(rf"[{SURNAMES}](?:先生|女士|小姐|经理|老师|师傅|阿姨|大姐|大哥)|(?<=姓)[{SURNAMES}]")


def mentions(text: str, vocabulary: Vocabulary) -> list[tuple[str, str]]:
    """``(kind, words)`` for every entity mention in ``text``, in order; longer names first, no overlap."""
    taken = [False] * len(text)
    found: list[tuple[int, str, str]] = []
    names = sorted(((w, kind) for kind, words in vocabulary.names().items() for w in words),
                   key=lambda x: len(x[0]), reverse=True)
    for word, kind in names:
        for match in re.finditer(re.escape(word), text):
            a, b = match.span()
            if not any(taken[a:b]):
                taken[a:b] = [True] * (b - a)
                found.append((a, kind, word))
    for match in _PERSON.finditer(text):
        a, b = match.span()
        if not any(taken[a:b]):
            taken[a:b] = [True] * (b - a)
            found.append((a, "people", match.group()))
    return [(kind, word) for _, kind, word in sorted(found)]


def score_entities(turns: Iterable[dict], segments: Iterable[Any], vocabulary: Vocabulary,
                   normalize: Callable[[str], str], *, slack_s: float = 1.0) -> dict[str, list[int]]:
    """Per kind ``[right, total]`` over the mentions in the truth ``turns`` (dicts with start, end,
    text) against the hypothesis ``segments`` (objects with start, end, text)."""
    segments = list(segments)
    counts = {kind: [0, 0] for kind in KINDS}
    for turn in turns:
        found = mentions(turn["text"], vocabulary)
        if not found:
            continue
        lo, hi = float(turn["start"]) - slack_s, float(turn["end"]) + slack_s
        heard = normalize("".join(s.text for s in segments if s.end > lo and s.start < hi))
        for kind, word in found:
            counts[kind][1] += 1
            counts[kind][0] += int(normalize(word) in heard)
    return counts


def misses(turns: Iterable[dict], segments: Iterable[Any], vocabulary: Vocabulary,
           normalize: Callable[[str], str], *, slack_s: float = 1.0) -> list[tuple[str, str, str]]:
    """``(kind, said, heard)`` for each mention not heard exactly (to look at what goes wrong)."""
    segments = list(segments)
    out = []
    for turn in turns:
        lo, hi = float(turn["start"]) - slack_s, float(turn["end"]) + slack_s
        heard = normalize("".join(s.text for s in segments if s.end > lo and s.start < hi))
        for kind, word in mentions(turn["text"], vocabulary):
            if normalize(word) not in heard:
                out.append((kind, word, heard))
    return out
