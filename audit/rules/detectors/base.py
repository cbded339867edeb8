"""What every detector shares: strict pydantic settings, the registry keyed by ``type``, and the
families a detector belongs to (which decide when the pack runs it).

A detector is one pydantic model per YAML ``type``: its fields are the rule's ``detector:``
settings, its validators check them (so an error names the file, the rule and the field), and
its methods judge. :func:`register` files the class under its ``type``; the rule model's
``detector`` field is the union of everything registered (:mod:`audit.rules.detectors`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

if TYPE_CHECKING:
    from audit.rules.conduct import Stretch
    from audit.rules.engine import LineFilters, LineRule
    from audit.rules.matcher import Hit, LexiconIndex, Utterance
    from audit.rules.model import Parameters
    from audit.rules.similar import SimilarRule
    from audit.schema import Contact, Segment

CLASS_NAME_RE = r"[A-Z][A-Z0-9_]*"
CLASS_REF_RE = re.compile(r"\{(" + CLASS_NAME_RE + r")\}")


class Strict(BaseModel):
    """A pack section: an unknown field is an error, not a silently ignored typo."""

    model_config = ConfigDict(extra="forbid")


def check_patterns(patterns: list[str]) -> list[str]:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"pattern {pattern!r} is not a valid regular expression ({exc})") from None
    return patterns


def check_terms(terms: list[str]) -> list[str]:
    for term in terms:
        if not term.strip():
            raise ValueError("empty term; remove it or write the word")
    return terms


# The registry: YAML ``type`` -> detector class, in registration order (the order pydantic lists
# the valid types in when a rule names an unknown one).
DETECTORS: dict[str, type[DetectorBase]] = {}

_D = TypeVar("_D", bound="type[DetectorBase]")


def register(cls: _D) -> _D:
    """File a detector class under its ``type`` (the ``Literal`` of its ``type`` field).

    Raises:
        ValueError: another class is registered under that type.
    """
    model: type[DetectorBase] = cls  # mypy resolves pydantic's model_fields descriptor on a plain class, not on _D
    # FieldInfo.annotation is typed `type[Any] | None`; here it is the class's Literal[...], which has __args__
    kind = model.model_fields["type"].annotation.__args__[0]  # type: ignore[union-attr]
    if kind in DETECTORS:
        raise ValueError(f"detector type {kind!r} is registered twice ({DETECTORS[kind].__name__}, {cls.__name__})")
    DETECTORS[kind] = cls
    return cls


def types_of(stage: str) -> tuple[str, ...]:
    """The registered types of one family (``"line"``, ``"log"``, ...), in registration order."""
    return tuple(kind for kind, cls in DETECTORS.items() if cls.stage == stage)


class DetectorBase(Strict):
    """A detector: its settings, and the family (``stage``) that says when the pack runs it."""

    # line: one utterance at a time; model: the learned second opinion on an utterance;
    # required: a statement a contact must hold; metadata: a contact's log data; log: across
    # the call log; acoustic: the measured recording
    stage: ClassVar[str]
    if TYPE_CHECKING:
        # every registered class declares it as a Literal field (the key register() files it under)
        type: str

    def label(self) -> str:
        """The kind of check, as findings, exports and the dashboard name it (default: its type)."""
        return self.type


class LineOptions(Strict):
    """Settings shared by detectors that judge single utterances."""

    exclude: list[str] = Field(default_factory=list,
                               description="terms whose match suppresses an overlapping hit")
    negatable: bool = True  # a negation cue just before the hit ("不会", "不收") silences it
    skip_reported: bool = True  # reported speech ("您说…", "如果有人…") silences it
    pinyin: bool = True  # match terms by toneless pinyin too (ASR spelling errors)
    fuzzy: bool = True  # match terms by confusable sound (needs one identical character)
    # a hedge of due process before the hit in the same sentence ("可能", "依法", "判决后")
    # silences it: a truthful "may be enforced after a judgment" is allowed, an invented
    # "will be frozen tomorrow" is not
    hedgeable: bool = False
    # a broad frame rule reports only when no other rule of its category fired on the utterance,
    # so one insult is one finding (and one score deduction), with the most specific rule id
    fallback: bool = False

    @field_validator("exclude")
    @classmethod
    def _exclude_ok(cls, v: list[str]) -> list[str]:
        return check_terms(v)


class LineDetector(LineOptions, DetectorBase):
    """Judges one utterance of an in-scope speaker; :class:`audit.rules.engine.LineRule` compiles
    it and applies the filters (exclusions, negation, reported speech, hedges) every line
    detector shares. A subclass says which terms it indexes and how its hits are found."""

    stage: ClassVar[str] = "line"

    def index_terms(self, rule: LineRule, index: LexiconIndex) -> None:
        """Add the terms this detector looks for to the pack's lexicon index, under ``rule``'s owners."""

    def needs(self, rule: LineRule) -> str:
        """The owner key whose hits any firing needs (the rule runs only when it has some)."""
        return rule.owner_terms

    def compile_patterns(self, patterns: list[str]) -> list[tuple[re.Pattern, Any]]:
        """Compiled regular expressions, each with the character sets a match needs (none by default)."""
        return []

    def similar_rule(self, rule: LineRule) -> SimilarRule | None:
        """The example sentences to align with (the ``similar`` detector only)."""
        return None

    def candidates(self, rule: LineRule, utt: Utterance, lex: dict[str, list[Hit]]) -> list[Hit]:
        """The hits in ``utt`` before the shared filters; ``lex`` holds the lexicon hits by owner."""
        raise NotImplementedError

    def negated_in_hit(self, rule: LineRule, utt: Utterance, hit: Hit, filters: LineFilters) -> bool:
        """A negation inside the hit itself that this kind of match can hold (none by default)."""
        return False


class ModelStage(DetectorBase):
    """Judged by the pack's learned second opinion (:mod:`audit.rules.learned`)."""

    stage: ClassVar[str] = "model"


class RequiredStage(DetectorBase):
    """A statement a contact must hold (:class:`audit.rules.engine.RequiredRule`)."""

    stage: ClassVar[str] = "required"


class MetadataDetector(DetectorBase):
    """Judges one contact from its log data (and the metrics of its recording)."""

    stage: ClassVar[str] = "metadata"

    def label(self) -> str:
        return "metadata"

    def judge(self, contact: Contact, metrics: dict, p: Parameters) -> tuple[str, dict[str, Any]] | None:
        """The finding's evidence text and details, or None when the contact complies."""
        raise NotImplementedError


class LogDetector(DetectorBase):
    """Counts contacts to one debtor on one day across the whole call log."""

    stage: ClassVar[str] = "log"

    def label(self) -> str:
        return "log"

    def counts(self, contact: Contact, p: Parameters) -> bool:
        """Whether ``contact`` counts towards the day's limit."""
        raise NotImplementedError

    def limit(self, p: Parameters) -> int:
        """How many counted contacts a debtor may have in a day."""
        raise NotImplementedError


class AcousticDetector(DetectorBase):
    """Judges how the speakers sound, from the measured segments (:mod:`audit.rules.conduct`)."""

    stage: ClassVar[str] = "acoustic"

    def stretches(self, segments: list[Segment], roles: set[str], p: Parameters) -> list[Stretch]:
        """The stretches of the recording that break the rule, one finding each."""
        raise NotImplementedError
