"""Cheap prefilters: which regex patterns can possibly match an utterance.

Every pattern is parsed once; from its syntax tree we take the sets of *tokens* of which a match
must contain at least one. A token is a character (a literal, a character class, one first
character per alternative of a group that cannot be skipped) or two adjacent characters (two
consecutive single-character items: "借新" for "借新还旧", "你这"/"您那" for "[你您][这那]").
Character pairs are far rarer than characters in collectors' speech, so patterns whose words all
share common characters ("借", "人", "收") are still told apart. :class:`PatternFilter` runs a
pattern only on utterances that hold a token of every one of its sets — most collector lines
run none of the frame patterns at all.
"""

from __future__ import annotations

from functools import reduce
from itertools import product
from operator import add, or_

# typeshed has no stubs for these private modules (3.11's names for sre_constants / sre_parse)
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]

# Characters so frequent in collectors' speech that a trigger made of them filters nothing.
COMMON = frozenset("你您我们他她的了是不就都也在有个这那会要吗吧啊呢么什还说到给把让一得着过去来上下好")
# the most pairs one set may hold (a product of two character classes grows fast)
MAX_PAIRS = 64


def _score(tokens: frozenset[str]) -> tuple[int, int, int]:
    """Rarity of a token set, smaller is rarer: pairs before characters, then fewer common ones."""
    single = sum(len(t) == 1 for t in tokens)
    common = sum(all(c in COMMON for c in t) for t in tokens)
    return (1 if single else 0, common, len(tokens))


def _chars_of(op, av) -> frozenset[str] | None:
    """The characters a single-character item can match (None: not such an item, or unknown)."""
    if op is C.LITERAL:
        return frozenset(chr(av))
    if op is C.IN and all(item_op is C.LITERAL for item_op, _ in av):
        return frozenset(chr(v) for _, v in av)
    return None


def _sequence_sets(seq) -> list[frozenset[str]]:
    """Mandatory token sets of a parsed sequence (each must meet every match)."""
    sets: list[frozenset[str]] = []
    previous: frozenset[str] | None = None  # the characters of the item just before
    for op, av in seq:
        chars = _chars_of(op, av)
        if chars is not None:
            sets.append(chars)
            if previous is not None and len(previous) * len(chars) <= MAX_PAIRS:
                sets.append(frozenset(map(add, *zip(*product(previous, chars)))))
            previous = chars
            continue
        previous = None
        if op is C.SUBPATTERN:
            if not av[1] & (C.SRE_FLAG_IGNORECASE | C.SRE_FLAG_VERBOSE):  # (?i:...) matches other cases
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
                    break  # an alternative with no mandatory token: the group gives nothing
                rarest = min(alt_sets, key=_score)
                union |= rarest
            else:
                sets.append(frozenset(union))
    return sets


def trigger(pattern: str) -> frozenset[str] | None:
    """The rarest set of tokens one of which every match of ``pattern`` contains.

    Returns:
        The set, or ``None`` when the pattern has no mandatory token (it must always run).
    """
    sets = mandatory_sets(pattern, 1)
    return sets[0] if sets else None


def mandatory_sets(pattern: str, limit: int | None = 4) -> list[frozenset[str]]:
    """Up to ``limit`` (None: all) mandatory token sets of ``pattern``, rarest first.

    The order is deterministic (rarest, then by tokens), so the first set is the pattern's
    :func:`trigger`. A pattern with flags that change what a character matches (IGNORECASE)
    has no sets: it always runs.
    """
    parsed = P.parse(pattern)
    if parsed.state.flags & (C.SRE_FLAG_IGNORECASE | C.SRE_FLAG_VERBOSE):
        return []
    sets = sorted(set(_sequence_sets(parsed)), key=lambda s: (_score(s), sorted(s)))
    return sets[:limit]


class PatternFilter:
    """Which of many regex patterns can match a text, with a few integer operations per text.

    Each distinct mandatory character set of any pattern gets one bit, and each character maps
    to the bits of the sets that contain it; OR-ing the masks of a text's characters gives the
    sets it meets. A pattern is a candidate when the text meets every one of its sets
    (``need & ~met == 0``). So that not every pattern is tested on every text, patterns are also
    indexed by their two rarest sets: a character maps to the patterns whose first (second) set
    holds it, and only patterns present in both ORs get the full test. The test is necessary for
    a match, never sufficient: the candidates still run their regex.
    """

    def __init__(self, patterns: list[tuple[str, int, list[frozenset[str]]]]) -> None:
        # tokens are characters and character pairs (see mandatory_sets); "character" below
        # stands for either
        """Index ``patterns``, given as ``(owner, index within the owner, mandatory sets)``.

        The sets of each pattern come rarest first (see :func:`mandatory_sets`).
        """
        set_bits: dict[frozenset[str], int] = {}
        self._where: list[tuple[str, int]] = []
        self._need: list[int] = []
        # patterns with fewer than one (two) mandatory sets pass the first (second) index
        always = [0, 0]
        starts: list[dict[str, int]] = [{}, {}]
        for pid, (owner, i, sets) in enumerate(patterns):
            need = 0
            for chars in sets:
                need |= set_bits.setdefault(chars, 1 << len(set_bits))
            self._where.append((owner, i))
            self._need.append(need)
            for slot in (0, 1):
                if len(sets) <= slot:
                    always[slot] |= 1 << pid
                    continue
                index = starts[slot]
                for ch in sets[slot]:
                    index[ch] = index.get(ch, 0) | (1 << pid)
        meets: dict[str, int] = {}
        for chars, bit in set_bits.items():
            for ch in chars:
                meets[ch] = meets.get(ch, 0) | bit
        # one integer per character holds three masks side by side (sets it meets, patterns whose
        # rarest set holds it, patterns whose second rarest set holds it), so a text costs one
        # OR per distinct character; the masks are split again once per text
        self._set_width = len(set_bits)
        self._pattern_width = len(patterns)
        shift1, shift2 = self._set_width, self._set_width + self._pattern_width
        self._always = (always[0] << shift1) | (always[1] << shift2)
        self._masks = {ch: meets.get(ch, 0) | (starts[0].get(ch, 0) << shift1) | (starts[1].get(ch, 0) << shift2)
                       for ch in {*meets, *starts[0], *starts[1]}}
        self._chars = frozenset(t for t in self._masks if len(t) == 1)
        self._pairs = frozenset(t for t in self._masks if len(t) == 2)

    def candidates(self, text: str, into: dict[str, list[int]]) -> None:
        """Append to ``into[owner]`` the index of every pattern of that owner that may match ``text``."""
        masks = self._masks.__getitem__
        x = reduce(or_, map(masks, self._chars.intersection(text)), self._always)
        x = reduce(or_, map(masks, self._pairs.intersection(map(add, text, text[1:]))), x)
        sets, patterns = self._set_width, self._pattern_width
        met = x & ((1 << sets) - 1)
        pids = (x >> sets) & (x >> (sets + patterns)) & ((1 << patterns) - 1)
        need = self._need
        where = self._where
        while pids:
            low = pids & -pids
            pids ^= low
            pid = low.bit_length() - 1
            if not need[pid] & ~met:
                owner, i = where[pid]
                found = into.get(owner)
                if found is None:
                    into[owner] = [i]
                else:
                    found.append(i)
