"""One-pass lexicon matching over characters, pinyin and fuzzy sound keys.

All the terms of a pack (every lexicon, co-occurrence group and exclusion list) go into one
trie-shaped regular expression over the fuzzy sound key of an utterance, so an utterance is
scanned once whatever the number of rules. Each candidate is then classified: the same
characters (``text``), the same toneless pinyin (``pinyin``, an ASR homophone such as
"于七"/"逾期"), or only a confusable sound (``fuzzy``, "老蓝"/"老赖"), which is accepted only when
at least one character is identical, to keep false alarms down.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate
from typing import NamedTuple

from audit import text as textmod


class Hit(NamedTuple):
    """A match in the normalised utterance: ``norm[start:end]`` (a tuple: cheap to make)."""

    start: int
    end: int
    term: str
    via: str  # text | pinyin | fuzzy


@dataclass(frozen=True)
class _Term:
    text: str
    owner: str
    whole_word: bool
    pinyin: bool
    fuzzy: bool
    pinyins: frozenset[str]
    readings: tuple[frozenset[str], ...]  # toneless readings per character


class Utterance:
    """One utterance and its lazily computed views (normalised text, sound keys, tokens)."""

    __slots__ = ("_bounds", "_fuzzy", "_keys", "_offsets", "_tokens", "lexicon", "norm", "text", "views")

    def __init__(self, text: str) -> None:
        self.text = text
        self.norm = textmod.normalize(text)
        self._fuzzy: str | None = None
        self._keys: list[str] | None = None
        # scans of the pack's index by the owners judged, kept by the pack so that its rules
        # share one scan
        self.lexicon: dict[frozenset[str] | None, dict[str, list[Hit]]] = {}
        self._offsets: list[int] | None = None
        self._bounds: tuple[list[int], list[int]] | None = None
        self._tokens: set[int] | None = None
        # other views by name (the similar detector's syllable strings), computed on demand
        self.views: dict[str, str] = {}

    @property
    def fuzzy(self) -> str:
        """The fuzzy sound key of ``norm``: a space, then one syllable key and a space per character."""
        if self._fuzzy is None:
            self._fuzzy = " " + textmod.fuzzy_of(self.norm)
        return self._fuzzy

    @property
    def keys(self) -> list[str]:
        """The fuzzy sound key of each character of ``norm``, each with its trailing space."""
        if self._keys is None:
            self._keys = list(map(textmod._FUZZY.__getitem__, self.norm))
        return self._keys

    def offsets(self) -> list[int]:
        """Offset in ``fuzzy`` of the space before each character's key (and one past the end)."""
        if self._offsets is None:
            self._offsets = list(accumulate(map(len, self.keys), initial=0))
        return self._offsets

    def char_index(self, offset: int) -> int:
        """Character index of the syllable that starts right after ``fuzzy[offset]`` (a space)."""
        return bisect_right(self.offsets(), offset) - 1

    def _bound_lists(self) -> tuple[list[int], list[int]]:
        if self._bounds is None:
            self._bounds = textmod.boundaries(self.text)
        return self._bounds

    def clause_start(self, pos: int) -> int:
        clauses = self._bound_lists()[0]
        return clauses[bisect_right(clauses, pos) - 1]

    def sentence_start(self, pos: int) -> int:
        sentences = self._bound_lists()[1]
        return sentences[bisect_right(sentences, pos) - 1]

    def token_boundaries(self) -> set[int]:
        """Offsets where a jieba token starts or ends (computed only when a rule needs them)."""
        if self._tokens is None:
            jieba = _jieba()
            cuts = {0}
            pos = 0
            for token in jieba.cut(self.norm, HMM=False):
                pos += len(token)
                cuts.add(pos)
            self._tokens = cuts
        return self._tokens


def _jieba():
    """jieba, imported quietly: its ``pkg_resources`` import warns and its first cut logs the
    dictionary build at DEBUG level to stderr, which a supervisor's terminal need not see."""
    import logging
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
        import jieba
    jieba.setLogLevel(logging.WARNING)
    return jieba


def trie_regex(keys: list[str]) -> str:
    """A regular expression matching any of ``keys``, shaped as a trie (fast to reject)."""
    trie: dict = {}
    for key in keys:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        ends = "" in node
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        if len(alts) == 1 and not ends:
            return alts[0]
        body = "(?:" + "|".join(alts) + ")"
        return body + "?" if ends else body

    return build(trie)


@dataclass
class LexiconIndex:
    """Every term of a pack, grouped by owner (``"RULE-ID/group"``), matched in one scan."""

    _terms: list[_Term] = field(default_factory=list)
    _by_key: dict[str, list[int]] = field(default_factory=dict)
    _prefixes: dict[str, list[str]] = field(default_factory=dict)
    _plan: dict[str, list[tuple[int, list[_Term]]]] = field(default_factory=dict)
    _regex: re.Pattern | None = None

    def add(self, term: str, owner: str, *, whole_word: bool = False, pinyin: bool = True,
            fuzzy: bool = True) -> None:
        norm = textmod.normalize(term)
        if not norm:
            return
        index = len(self._terms)
        pinyins = frozenset(textmod.term_pinyins(norm))
        readings = tuple(frozenset(r.split()[i] for r in pinyins) for i in range(len(norm)))
        self._terms.append(_Term(norm, owner, whole_word, pinyin, fuzzy, pinyins, readings))
        for key in textmod.term_fuzzy_keys(norm):
            self._by_key.setdefault(key, []).append(index)
        self._regex = None

    def compile(self) -> None:
        keys = sorted(self._by_key)
        # A match returns the longest key at a position; shorter keys that are syllable
        # prefixes of it matched too, so remember them.
        keyset = set(keys)
        for key in keys:
            parts = key.split(" ")[:-1]
            self._prefixes[key] = [p for p in (" ".join(parts[:i]) + " " for i in range(1, len(parts)))
                                   if p in keyset]
        # per longest key, what a match of it means: (syllables, terms) for it and each of its
        # prefixes, in the order they are judged
        self._plan = {key: [(k.count(" "), [self._terms[i] for i in self._by_key[k]])
                            for k in (key, *self._prefixes[key])] for key in keys}
        self._regex = re.compile(" (?=(" + trie_regex(keys) + "))") if keys else re.compile(r"(?!x)x")

    def scan(self, utt: Utterance, owners: frozenset[str] | None = None) -> dict[str, list[Hit]]:
        """All accepted hits in ``utt``, grouped by owner.

        Args:
            owners: judge only the terms of these owners (default: all). The pack passes the
                owners of the rules in scope, so that no time goes into sound-alike checks and
                word segmentation for terms whose rules cannot apply.
        """
        if self._regex is None:
            self.compile()
        assert self._regex is not None  # compile() sets it
        found: dict[str, list[Hit]] = {}
        norm = utt.norm
        if not norm:
            return found
        plan = self._plan
        classify = self._classify
        offsets = None
        for match in self._regex.finditer(utt.fuzzy):
            if offsets is None:
                offsets = utt.offsets()
            start = bisect_right(offsets, match.start()) - 1
            for length, terms in plan[match.group(1)]:
                end = start + length
                span = norm[start:end]
                for term in terms:
                    if owners is not None and term.owner not in owners:
                        continue
                    via = "text" if span == term.text else classify(term, span)
                    if via is None:
                        continue
                    # whole words, and two-character sound-alikes (which would otherwise match
                    # across words: 一下减 ~ 下贱), must line up with jieba tokens
                    if term.whole_word or (via != "text" and len(term.text) <= 2):
                        cuts = utt.token_boundaries()
                        if start not in cuts or end not in cuts:
                            continue
                    hit = Hit(start, end, term.text, via)
                    owned = found.get(term.owner)
                    if owned is None:
                        found[term.owner] = [hit]
                    else:
                        owned.append(hit)
        return found

    @staticmethod
    def _classify(term: _Term, span: str) -> str | None:
        if span == term.text:
            return "text"
        if len(term.text) < 2:
            return None  # a single character by sound alone is noise
        if term.pinyin and textmod.pinyin_of(span) in term.pinyins:
            return "pinyin"
        if not term.fuzzy:
            return None
        # Sound-alike: at least one identical character, every other character a homophone
        # except one, which may be a common confusion (zh/z, n/l, -ng/-n, ü/i ...) anywhere, or
        # a coarser one (lai/lan) only as the term's last character.
        same = 0
        odd = -1
        for i, (a, b) in enumerate(zip(span, term.text)):
            if a == b:
                same += 1
                continue
            reading = textmod._char_pinyin(a)
            if reading in term.readings[i]:
                continue
            if odd >= 0:
                return None
            odd = i
            if textmod.fine_syllable(reading) in {textmod.fine_syllable(r) for r in term.readings[i]}:
                continue
            # coarse (lai/lan): only the last character, and only with the same initial
            initial = textmod._split(reading)[0]
            if i != len(span) - 1 or all(textmod._split(r)[0] != initial for r in term.readings[i]):
                return None
        return "fuzzy" if same else None
