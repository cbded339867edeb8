"""``type: lexicon``: fires when any of its terms occurs in the utterance."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator

from audit.rules.detectors.base import LineDetector, check_terms, register

if TYPE_CHECKING:
    from audit.rules.engine import LineRule
    from audit.rules.matcher import Hit, LexiconIndex, Utterance


@register
class LexiconDetector(LineDetector):
    """Fires when any term occurs; ``whole_words`` must also be whole jieba tokens."""

    type: Literal["lexicon"]
    terms: list[str] = Field(default_factory=list)
    whole_words: list[str] = Field(default_factory=list)

    @field_validator("terms", "whole_words")
    @classmethod
    def _terms_ok(cls, v: list[str]) -> list[str]:
        return check_terms(v)

    def index_terms(self, rule: LineRule, index: LexiconIndex) -> None:
        for term in self.terms:
            index.add(term, rule.owner_terms, pinyin=self.pinyin, fuzzy=self.fuzzy)
        for term in self.whole_words:
            index.add(term, rule.owner_terms, whole_word=True, pinyin=self.pinyin, fuzzy=self.fuzzy)

    def candidates(self, rule: LineRule, utt: Utterance, lex: dict[str, list[Hit]]) -> list[Hit]:
        return lex.get(rule.owner_terms, [])
