"""The rule-pack file format, validated with pydantic.

A pack is a YAML file::

    name: default
    extends: default            # optional: start from another pack (a name or a relative path)
    parameters: {max_attempts_per_day: 5}   # optional: override industry-practice thresholds
    alerts: {severities: [critical]}        # optional: which findings alert supervisors at once
    disable: [FREQ-CONNECT]     # optional: drop inherited rules
    rules: [...]                # new rules, or rules that replace inherited ones by id

Every rule names a category from :class:`audit.schema.Category`, a severity, its scope, the
regulation it enforces and one detector. Detector types are a registry keyed by ``type``
(:mod:`audit.rules.detectors`, one module per kind, each checking its own settings); an
unknown type or an unknown field is an error that lists the valid choices.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from audit.rules.detectors import Detector
from audit.rules.detectors.base import CLASS_NAME_RE, CLASS_REF_RE, DetectorBase, check_terms
from audit.rules.detectors.base import Strict as _Strict
from audit.schema import Category, Role, Severity

RULE_ID_RE = r"^[A-Z0-9][A-Z0-9_-]*$"


class PackError(ValueError):
    """A rule pack cannot be used; the message names the file, the rule and the field."""


def expand_classes(pattern: str, classes: dict[str, list[str]]) -> str:
    """Replace each ``{NAME}`` of ``pattern`` by a non-capturing alternation of its words.

    Raises:
        KeyError: a class the pattern names is not defined (the message is the name).
    """
    def sub(match: re.Match) -> str:
        words = classes[match.group(1)]
        # longest first, so that "你们家" is preferred to "你"; ties in a fixed order, so that the
        # expansion is the same string in every process (set order varies with the hash seed)
        return "(?:" + "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w))) + ")"

    return CLASS_REF_RE.sub(sub, pattern)


def detector_label(detector: DetectorBase) -> str:
    """The kind of check a detector is, as findings, exports and the dashboard name it.

    The line detectors by type (``lexicon``, ``cooccurrence``, ``regex``), except that a regex
    written with a word class (``{YOU}…{INSULT}``) is a ``frame``; the contact-level
    statements ``required``; the other contact-level checks on log data ``metadata``; the
    checks across the call log ``log``; the acoustic detectors by type (``raised_voice``,
    ``overtalk``, ``dead_air``, ``speech_rate``). Each detector class says its own
    (:meth:`audit.rules.detectors.base.DetectorBase.label`).
    """
    return detector.label()


def _both_kinds() -> list[Literal["call", "visit"]]:
    return ["call", "visit"]


class RuleScope(_Strict):
    """Where a rule applies (a rule's ``scope:``); an empty list means "any".

    Not :class:`audit.read.scope.Scope`, which is what a dashboard user may see.
    """

    kinds: list[Literal["call", "visit"]] = Field(default_factory=_both_kinds)
    products: list[str] = Field(default_factory=list)
    speaker_roles: list[Role] = Field(default_factory=lambda: [Role.AGENT])
    contact_roles: list[Role] = Field(default_factory=list)


class Citation(_Strict):
    """The regulation or practice a rule enforces (see docs/regulations.md)."""

    source: str = Field(min_length=1)
    article: str = ""

    def __str__(self) -> str:
        return f"{self.source} {self.article}".strip()


class Rule(_Strict):
    """One rule of a pack."""

    id: str = Field(pattern=RULE_ID_RE)
    title_zh: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    category: Category
    severity: Severity
    scope: RuleScope = Field(default_factory=RuleScope)
    citation: Citation
    detector: Detector
    enabled: bool = True


def _severity_weights() -> dict[Severity, float]:
    return {Severity.LOW: 5, Severity.MEDIUM: 10, Severity.HIGH: 25, Severity.CRITICAL: 50}


class Parameters(_Strict):
    """Thresholds and shared word lists; a client pack overrides any of them."""

    quiet_start: str = Field(default="22:00", pattern=r"^\d{1,2}:\d{2}$")
    quiet_end: str = Field(default="08:00", pattern=r"^\d{1,2}:\d{2}$")
    max_attempts_per_day: int = Field(default=6, ge=1)
    attempt_contact_roles: list[Role] = Field(default_factory=lambda: [Role.DEBTOR])
    max_connected_per_day: int = Field(default=3, ge=1)
    connected_outcomes: list[str] = Field(default_factory=lambda: ["answered", "connected"])
    visit_min_days_past_due: int = Field(default=30, ge=0)  # a visit needs MORE than this
    visit_min_staff: int = Field(default=2, ge=1)
    recording_min_ratio: float = Field(default=0.7, gt=0, le=1)
    recording_min_missing_s: float = Field(default=10.0, ge=0)
    # A recording with less speech than this share of its length is as good as missing (a
    # silent file uploaded in place of the call, a recorder left on in a pocket).
    recording_min_speech_ratio: float = Field(default=0.05, ge=0, lt=1)
    severity_weights: dict[Severity, float] = Field(default_factory=_severity_weights)
    negation_cues: list[str] = Field(default_factory=list)
    negation_adjacent: list[str] = Field(default_factory=list)
    negation_window: int = Field(default=8, ge=0)
    condition_breaks: list[str] = Field(default_factory=list)
    reported_cues: list[str] = Field(default_factory=list)
    reported_window: int = Field(default=24, ge=0)
    reported_after_cues: list[str] = Field(default_factory=list)
    first_person: list[str] = Field(default_factory=lambda: ["我们", "我", "这边", "这里", "咱们"])
    hedge_cues: list[str] = Field(default_factory=list)
    hedge_window: int = Field(default=20, ge=0)
    # named word lists that regex patterns use as {NAME}; a client pack adds or replaces classes
    word_classes: dict[str, list[str]] = Field(default_factory=dict)
    # Conduct, judged from the recording (audit.rules.conduct; limits in docs/conduct.md). Levels
    # and pitch are against the same party in the same call, never an absolute level.
    raised_voice_db: float = Field(default=5.0, gt=0)
    raised_voice_min_s: float = Field(default=1.25, gt=0)
    # ... and a segment joins a raised stretch only when this share of it is that loud: a few
    # loud syllables scattered over a long calm stretch are no raised voice
    raised_voice_min_share: float = Field(default=0.33, gt=0, le=1)
    # None: pitch is not looked at; -2.5: a loud stretch well below the speaker's usual pitch
    # is not a raised voice
    raised_voice_min_pitch_st: float | None = -2.5
    overtalk_min_s: float = Field(default=0.5, gt=0)  # both speaking at least this long
    overtalk_min_count: int = Field(default=2, ge=1)
    overtalk_min_total_s: float = Field(default=6.0, gt=0)
    dead_air_min_s: float = Field(default=10.0, gt=0)
    speech_rate_max_cps: float = Field(default=7.0, gt=0)
    speech_rate_min_s: float = Field(default=3.0, gt=0)

    @field_validator("word_classes")
    @classmethod
    def _classes_ok(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, words in v.items():
            if not re.fullmatch(CLASS_NAME_RE, name):
                raise ValueError(f"word class name {name!r} must be upper case letters, digits or _")
            if not words:
                raise ValueError(f"word class {name} is empty; list its words")
            check_terms(words)
        return v


class ModelSettings(_Strict):
    """The learned second opinion of a pack (see :mod:`audit.rules.learned`).

    One classifier per pack, trained on ``training_file`` (labelled lines, JSONL or CSV, a path
    relative to the pack file that declares this section) plus the pack's ``similar`` examples
    and counter-examples; its ``type: model`` rules say which categories it reports, with what
    id, severity, citation and scope. A probability of ``report_threshold`` or more is an
    ordinary finding; from ``suspect_threshold`` up to it, a *suspected* one, which waits for a
    reviewer and does not count in the score. Without ``training_file`` the model is off.
    A pack that declares this section replaces the one it extends, as a whole.
    """

    training_file: str | None = None
    report_threshold: float = Field(default=0.9, gt=0, le=1)
    suspect_threshold: float = Field(default=0.6, gt=0, le=1)

    @field_validator("training_file")
    @classmethod
    def _path_ok(cls, v: str | None) -> str | None:
        if v is not None and not v.strip():
            raise ValueError("empty path; remove the field to switch the model off")
        return v

    @model_validator(mode="after")
    def _thresholds_ok(self) -> ModelSettings:
        if self.suspect_threshold > self.report_threshold:
            raise ValueError(f"suspect_threshold {self.suspect_threshold} is above report_threshold "
                             f"{self.report_threshold}; suspected findings are the ones just below reporting")
        return self


class Alerts(_Strict):
    """Which findings ``audit watch`` sends to supervisors as soon as a recording is audited.

    A finding alerts when its severity is listed *or* its category is listed. Alerting is no
    part of the audit itself, so this section is not in the pack version: changing it never
    re-audits a recording.
    """

    severities: list[Severity] = Field(default_factory=lambda: [Severity.CRITICAL])
    categories: list[Category] = Field(default_factory=list)
    # More alerts than this for one sink within a minute are sent as one summary message
    # (group robots throttle a chatty bot, and a supervisor reads one list faster than 40 pings).
    burst_per_minute: int = Field(default=10, ge=1)

    def matches(self, severity: str, category: str) -> bool:
        """Whether a finding of this severity and category alerts."""
        return severity in {s.value for s in self.severities} or category in {c.value for c in self.categories}


class PackFile(_Strict):
    """The content of one pack file, before ``extends`` is resolved."""

    name: str = Field(min_length=1)
    description: str = ""
    extends: str | None = None
    parameters: Parameters = Field(default_factory=Parameters)
    model: ModelSettings | None = None
    alerts: Alerts | None = None  # None: inherited (or the defaults of :class:`Alerts`)
    disable: list[str] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)
