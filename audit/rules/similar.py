"""Example-based matching for the ``similar`` detector (:mod:`audit.rules.detectors.similar`).

A ``similar`` rule lists example sentences; an utterance matches when a stretch of it is close
enough to an example (rapidfuzz's ``partial_ratio``: the example against its best-aligned
window of the utterance, or against the whole utterance when that is shorter) and the
utterance is not at least as close to one of the rule's counter-examples.

Three views of a sentence can be compared, each one symbol per character of the normalised
text so that a match's span is a span of the utterance: the characters (``text``), toneless
pinyin (``pinyin``: an ASR homophone such as "银行咔"/"银行卡" costs nothing) and fuzzy sound keys
(``fuzzy``: zh/z, n/l, an/ang merged too). Equal characters sound equal, so a sound view never
scores lower than the characters: a rule that compares sounds matches when the sound view
reaches the threshold, and the finding's ``via`` says whether the characters did too.

Speed: a prefilter rejects most (utterance, example) pairs at once, with one sum of packed
symbol counts per utterance and view (:class:`_ViewIndex`). An example whose symbols the
utterance holds fewer than ``t·m/(2−t)`` times (``m`` its length, ``t`` the threshold) cannot
reach the threshold in any window, so only the few examples left are aligned.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NamedTuple

from rapidfuzz import fuzz

from audit import text as textmod
from audit.rules.matcher import Hit, Utterance

if TYPE_CHECKING:
    from audit.rules.detectors.similar import SimilarDetector

VIEWS = ("text", "pinyin", "fuzzy")


def view_of(det: SimilarDetector) -> str:
    """The view a rule compares on: its ``pinyin`` and ``fuzzy`` options, as for lexicon terms."""
    if not det.pinyin:
        return "text"
    return "fuzzy" if det.fuzzy else "pinyin"


def view_string(utt: Utterance, view: str) -> str:
    """``utt`` in ``view``: one symbol per character of ``utt.norm`` (computed once per view)."""
    if view == "text":
        return utt.norm
    views = utt.views
    found = views.get(view)
    if found is None:
        found = views[view] = textmod.syllables_of(utt.norm, fuzzy=view == "fuzzy")
    return found


class _Sentence(NamedTuple):
    text: str  # as the pack author wrote it
    norm: str
    symbols: str  # in the rule's view


class Alignment(NamedTuple):
    score: float  # 0–100
    start: int  # the matched stretch of the utterance, norm[start:end]
    end: int


def align(example: str, utterance: str, cutoff: float = 0.0) -> Alignment | None:
    """The best alignment of ``example`` in ``utterance`` scoring ``cutoff`` (0–100) or more.

    The example is looked for inside a longer utterance; a shorter utterance is compared whole
    (so that "你好" is not "found" in a long example).
    """
    if not utterance:
        return None
    if len(utterance) >= len(example):
        found = fuzz.partial_ratio_alignment(example, utterance, score_cutoff=cutoff)
        return None if found is None else Alignment(found.score, found.dest_start, found.dest_end)
    score = fuzz.ratio(example, utterance, score_cutoff=cutoff)
    return Alignment(score, 0, len(utterance)) if score and score >= cutoff else None


class SimilarRule:
    """The compiled examples and counter-examples of one ``similar`` rule."""

    def __init__(self, det: SimilarDetector, owner: str) -> None:
        self.owner = owner
        self.view = view_of(det)
        self.cutoff = 100.0 * det.threshold
        self.threshold = det.threshold
        self.examples = [self._sentence(e) for e in det.examples]
        self.counters = [self._sentence(e) for e in det.counter_examples]

    def _sentence(self, text: str) -> _Sentence:
        norm = textmod.normalize(text)
        symbols = norm if self.view == "text" else textmod.syllables_of(norm, fuzzy=self.view == "fuzzy")
        return _Sentence(text, norm, symbols)

    def _closeness(self, sentence: _Sentence, utt: Utterance, query: str) -> tuple[float, float]:
        """(score in the view, score on characters): how close ``utt`` is to ``sentence``."""
        found = align(sentence.symbols, query)
        score = found.score if found else 0.0
        if self.view == "text":
            return score, score
        chars = align(sentence.norm, utt.norm)
        return score, chars.score if chars else 0.0

    def hits(self, utt: Utterance, candidates: list[int] | None = None) -> list[Hit]:
        """A hit per example (of ``candidates``, default all) that ``utt`` matches, none when
        a counter-example is at least as close as the closest of them."""
        query = view_string(utt, self.view)
        found: list[tuple[tuple[float, float], Hit]] = []
        for i in (range(len(self.examples)) if candidates is None else candidates):
            example = self.examples[i]
            aligned = align(example.symbols, query, self.cutoff)
            if aligned is None:
                continue
            if self.view == "text":
                closeness, via = (aligned.score, aligned.score), "text"
            else:
                chars = align(example.norm, utt.norm, self.cutoff)
                closeness = (aligned.score, chars.score if chars else 0.0)
                via = "text" if chars else "pinyin"
            found.append((closeness, Hit(aligned.start, aligned.end, example.text, via)))
        if not found:
            return []
        if self.counters:
            best = max(closeness for closeness, _ in found)
            if any(self._closeness(c, utt, query) >= best for c in self.counters):
                return []
        return [hit for _, hit in found]


_LANE = 16  # bits per example in the prefilter's packed counts: 15 for the count, 1 to test it
_TOP = 1 << (_LANE - 1)


class _ViewIndex:
    """Symbol counts of every example compared in one view, packed for the prefilter.

    Each example owns a 16-bit lane of a Python integer. ``rows[s]`` holds, in each lane, how
    often the symbol ``s`` occurs in that example; adding the rows of the symbols an utterance
    holds counts, lane by lane, the example positions it can possibly match. Starting the sum
    from ``bias[n]``, which puts ``2**15 − need`` in each lane, sets a lane's top bit exactly
    when its count reaches the example's need: one integer sum and one ``&`` per utterance,
    whatever the number of examples, and almost always no bit is set.
    """

    def __init__(self) -> None:
        self.entries: list[tuple[str, int, int, float]] = []  # owner, example index, length, threshold
        self.rows: dict[str, int] = {}
        self.bias: list[int] = []
        self.top = 0
        self.longest = 0

    def compile(self, symbols: list[str]) -> None:
        rows: dict[str, int] = {}
        for e, sentence in enumerate(symbols):
            if len(sentence) >= _TOP:
                raise ValueError(f"example of {len(sentence)} characters is too long to index")
            for s in sentence:
                rows[s] = rows.get(s, 0) + (1 << (_LANE * e))
        self.rows = rows
        self.top = sum(_TOP << (_LANE * e) for e in range(len(symbols)))
        self.longest = max(len(sentence) for sentence in symbols)
        # The fewest symbols an example (length m, threshold t) must find in the utterance to
        # reach its threshold in any window (a window is at most as long as the example):
        # t·m/(2−t). An utterance shorter than the example (length n) is compared whole, where
        # ratio ≥ t needs t·(m+n)/2 symbols in common. One bias per utterance length up to the
        # longest example's; longer utterances share its bias.
        self.bias = []
        for n in range(self.longest + 1):
            bias = 0
            for e, (_, _, m, t) in enumerate(self.entries):
                need = t * m / (2.0 - t) if m <= n else t * (m + n) / 2.0
                bias += (_TOP - max(0, math.ceil(need - 1e-9))) << (_LANE * e)
            self.bias.append(bias)

    def candidates(self, query: str, lex: dict) -> None:
        total = sum(filter(None, map(self.rows.get, set(query))), self.bias[min(len(query), self.longest)])
        hits = total & self.top
        entries = self.entries
        while hits:
            low = hits & -hits
            owner, index, _, _ = entries[(low.bit_length() - 1) // _LANE]
            lex.setdefault(owner, []).append(index)
            hits ^= low


class SimilarIndex:
    """The examples of every ``similar`` rule of a pack, prefiltered together per view."""

    def __init__(self) -> None:
        self._rules: list[SimilarRule] = []
        self._views: list[tuple[str, _ViewIndex]] = []

    def __bool__(self) -> bool:
        return bool(self._rules)

    def add(self, rule: SimilarRule) -> None:
        self._rules.append(rule)

    def compile(self) -> None:
        self._views = []
        for view in VIEWS:
            index = _ViewIndex()
            symbols = []
            for rule in self._rules:
                if rule.view != view:
                    continue
                for i, example in enumerate(rule.examples):
                    index.entries.append((rule.owner, i, len(example.symbols), rule.threshold))
                    symbols.append(example.symbols)
            if symbols:
                index.compile(symbols)
                self._views.append((view, index))

    def candidates(self, utt: Utterance, lex: dict) -> None:
        """Add to ``lex``, under each rule's owner key, the examples that ``utt`` may match."""
        for view, index in self._views:
            index.candidates(view_string(utt, view), lex)
