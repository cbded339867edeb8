"""``type: cooccurrence``: a term of one list near a term of another."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator

from audit.rules.detectors.base import LineDetector, check_terms, register
from audit.rules.matcher import Hit

if TYPE_CHECKING:
    from audit.rules.engine import LineFilters, LineRule
    from audit.rules.matcher import LexiconIndex, Utterance


@register
class CooccurrenceDetector(LineDetector):
    """Fires when a term of ``first`` and a term of ``second`` occur within ``window`` characters."""

    type: Literal["cooccurrence"]
    first: list[str] = Field(min_length=1)
    second: list[str] = Field(min_length=1)
    window: int = Field(default=10, ge=0, le=200)
    ordered: bool = False  # True: the ``first`` term must come before the ``second`` one

    @field_validator("first", "second")
    @classmethod
    def _terms_ok(cls, v: list[str]) -> list[str]:
        return check_terms(v)

    def index_terms(self, rule: LineRule, index: LexiconIndex) -> None:
        for term in self.first:
            index.add(term, rule.owner_first, pinyin=self.pinyin, fuzzy=self.fuzzy)
        for term in self.second:
            index.add(term, rule.owner_second, pinyin=self.pinyin, fuzzy=self.fuzzy)

    def needs(self, rule: LineRule) -> str:
        return rule.owner_first

    def candidates(self, rule: LineRule, utt: Utterance, lex: dict[str, list[Hit]]) -> list[Hit]:
        first = lex.get(rule.owner_first)
        second = lex.get(rule.owner_second)
        if not first or not second:
            return []
        hits = []
        for a in first:
            for b in second:
                if a.start < b.end and b.start < a.end:
                    continue  # the same words cannot be both halves
                if self.ordered and b.start < a.end:
                    continue
                gap = max(a.start, b.start) - min(a.end, b.end)
                if gap <= self.window:
                    via = a.via if a.via != "text" else b.via
                    hits.append(Hit(min(a.start, b.start), max(a.end, b.end),
                                    f"{a.term}…{b.term}", via))
        return hits

    def negated_in_hit(self, rule: LineRule, utt: Utterance, hit: Hit, filters: LineFilters) -> bool:
        # "您的家人不会收到…": the negation sits between the two halves
        return filters.negated_inside(utt, hit.start, hit.end)
