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

from pipelines.correct import SURNAMES
from pipelines.vocabulary import Vocabulary

KINDS = ("creditor", "agency", "people")
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
