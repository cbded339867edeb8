"""``type: similar``: fires when the utterance says (nearly) what an example sentence says.

The matching itself (alignment, views, the prefilter) is :mod:`audit.rules.similar`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, cast

from pydantic import Field, field_validator, model_validator

from audit import text as textmod
from audit.rules.detectors.base import LineDetector, register
from audit.rules.similar import SimilarRule

if TYPE_CHECKING:
    from audit.rules.engine import LineFilters, LineRule
    from audit.rules.matcher import Hit, Utterance

MIN_EXAMPLE_CHARS = 4


def _check_examples(examples: list[str]) -> list[str]:
    for example in examples:
        size = len(textmod.normalize(example))
        if size < MIN_EXAMPLE_CHARS:
            raise ValueError(f"example {example!r} is too short ({size} characters without punctuation); an "
                             f"example is a sentence of at least {MIN_EXAMPLE_CHARS} characters: put single "
                             f"words in a lexicon rule")
    return examples


@register
class SimilarDetector(LineDetector):
    """Fires when the utterance says (nearly) what one of the ``examples`` says.

    The example is looked for inside the utterance: the best-matching stretch of the
    utterance is compared with it, character by character and, with ``pinyin`` on, syllable by
    syllable (so "把银行咔密马给我" still matches "把银行卡密码给我"); with ``fuzzy`` on too,
    syllables compare by confusable sound (zh/z, n/l, an/ang). A similarity of ``threshold``
    (0–1, 1 = identical) or more is a match, unless the utterance is at least as close to one
    of the ``counter_examples``. A supervisor extends the rule by adding a sentence; the
    negation, reported-speech, hedge and exclusion filters apply as to every line rule.
    """

    type: Literal["similar"]
    examples: list[str] = Field(min_length=1)
    counter_examples: list[str] = Field(default_factory=list)
    threshold: float = Field(default=0.85, gt=0, le=1)

    @field_validator("examples", "counter_examples")
    @classmethod
    def _examples_ok(cls, v: list[str]) -> list[str]:
        return _check_examples(v)

    @model_validator(mode="after")
    def _no_example_is_a_counter_example(self) -> SimilarDetector:
        normalize = textmod.normalize
        both = {normalize(e) for e in self.examples} & {normalize(e) for e in self.counter_examples}
        if both:
            raise ValueError(f"{sorted(both)[0]!r} is both an example and a counter-example; keep it in one list")
        return self

    def needs(self, rule: LineRule) -> str:
        return rule.owner_similar

    def similar_rule(self, rule: LineRule) -> SimilarRule:
        # the pack's SimilarIndex says which examples an utterance may match (under
        # owner_similar), as the prefilter does for regex patterns
        return SimilarRule(self, rule.owner_similar)

    def candidates(self, rule: LineRule, utt: Utterance, lex: dict[str, list[Hit]]) -> list[Hit]:
        assert rule.similar is not None  # similar_rule() above made it
        # under owner_similar the pack's SimilarIndex files the indices of the examples worth aligning, not hits
        passed = cast("list[int]", lex.get(rule.owner_similar, []))
        return rule.similar.hits(utt, passed)

    def negated_in_hit(self, rule: LineRule, utt: Utterance, hit: Hit, filters: LineFilters) -> bool:
        # "我们不会去你家" is close to the example "我们会去你家", but denies it
        return filters.negated_within(utt, hit.start, hit.end, textmod.normalize(hit.term))
