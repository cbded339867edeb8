"""``type: regex``: fires when a regular expression matches the normalised utterance.

A regex written with word classes (``{YOU}…{INSULT}``) is a *frame*: findings, exports and the
dashboard label it ``frame`` (:meth:`RegexDetector.label`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Literal, cast

from pydantic import Field, field_validator

from audit.rules.detectors.base import CLASS_REF_RE, LineDetector, check_patterns, register
from audit.rules.matcher import Hit
from audit.rules.prefilter import mandatory_sets

if TYPE_CHECKING:
    from audit.rules.engine import LineRule
    from audit.rules.matcher import Utterance


@register
class RegexDetector(LineDetector):
    """Fires when a regular expression matches the normalised utterance (no punctuation).

    A pattern may name a word class of the pack parameters as ``{NAME}`` (upper case), e.g.
    ``"{YOU}{FAMILY}.{0,8}{WHERE}.{0,10}{KNOW}"``: the class expands to an alternation of its
    words, so one frame covers every family member, place question and knowing verb.
    """

    type: Literal["regex"]
    patterns: list[str] = Field(min_length=1)

    @field_validator("patterns")
    @classmethod
    def _patterns_ok(cls, v: list[str]) -> list[str]:
        return check_patterns(v)

    def label(self) -> str:
        return "frame" if any(CLASS_REF_RE.search(p) for p in self.patterns) else "regex"

    def needs(self, rule: LineRule) -> str:
        return rule.owner_regex

    def compile_patterns(self, patterns: list[str]) -> list[tuple[re.Pattern, Any]]:
        # one compiled pattern each, with the character sets a match needs (prefilter.py);
        # the pack runs a pattern only when the utterance holds all of them
        return [(re.compile(p), mandatory_sets(p, None)) for p in (patterns or self.patterns)]

    def candidates(self, rule: LineRule, utt: Utterance, lex: dict[str, list[Hit]]) -> list[Hit]:
        norm = utt.norm
        # under owner_regex the pack's prefilter files the indices of the patterns worth running, not hits
        passed = cast("tuple[int, ...] | list[int]", lex.get(rule.owner_regex, ()))
        return [Hit(m.start(), m.end(), m.group(), "text")
                for i in passed for m in rule.patterns[i][0].finditer(norm)
                if m.end() > m.start()]
