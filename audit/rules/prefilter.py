"""Cheap prefilters: which regex patterns can possibly match an utterance.

Every pattern is parsed once; from its syntax tree we take the sets of characters of which a
match must contain at least one (a literal, a character class, or one first character per
alternative of a group that cannot be skipped). The rarest such set becomes the pattern's
*trigger*. An inverted index maps each trigger character to its patterns, so an utterance runs
only the patterns whose trigger characters it contains — most collector lines run none of the
frame patterns at all.
"""

from __future__ import annotations

from re import _constants as C
from re import _parser as P

# Characters so frequent in collectors' speech that a trigger made of them filters nothing.
COMMON = frozenset("你您我们他她的了是不就都也在有个这那会要吗吧啊呢么什还说到给把让一得着过去来上下好")


def _score(chars: frozenset[str]) -> tuple[int, int]:
    return (sum(c in COMMON for c in chars), len(chars))


def _sequence_sets(seq) -> list[frozenset[str]]:
    """Mandatory character sets of a parsed sequence (each must meet every match)."""
    sets: list[frozenset[str]] = []
    for op, av in seq:
        if op is C.LITERAL:
            sets.append(frozenset(chr(av)))
        elif op is C.IN:
            if all(item_op is C.LITERAL for item_op, _ in av):
                sets.append(frozenset(chr(v) for _, v in av))
        elif op is C.SUBPATTERN:
            sets.extend(_sequence_sets(av[-1]))
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
            low, _high, sub = av
            if low >= 1:
                sets.extend(_sequence_sets(sub))
        elif op is C.BRANCH:
            union: set[str] = set()
            for alt in av[1]:
                alt_sets = _sequence_sets(alt)
                if not alt_sets:
                    break  # an alternative with no mandatory character: the group gives nothing
                union |= min(alt_sets, key=_score)
            else:
                sets.append(frozenset(union))
    return sets


def trigger(pattern: str) -> frozenset[str] | None:
    """The rarest set of characters one of which every match of ``pattern`` contains.

    Returns:
        The set, or ``None`` when the pattern has no mandatory character (it must always run).
    """
    sets = mandatory_sets(pattern, 1)
    return sets[0] if sets else None


def mandatory_sets(pattern: str, limit: int = 4) -> list[frozenset[str]]:
    """Up to ``limit`` mandatory character sets of ``pattern``, rarest first (see :func:`trigger`)."""
    sets = sorted(set(_sequence_sets(P.parse(pattern))), key=_score)
    return sets[:limit]
