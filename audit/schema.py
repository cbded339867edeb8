"""Plain data types shared by the pipeline, the rule engine, storage and exports.

One concept, one name: a ``Contact`` is one row of the dialer/visit log (a call, a home
visit, or a dial attempt without a recording); a ``Segment`` is one diarized, role-labelled
stretch of speech; a ``Finding`` is one rule violation with its evidence.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


class Category(str, enum.Enum):
    """Finding categories: the fixed vocabulary of the corpus README."""

    ABUSE = "ABUSE"
    THREAT_VIOLENCE = "THREAT_VIOLENCE"
    THREAT_THIRD_PARTY = "THREAT_THIRD_PARTY"
    THIRD_PARTY_DISCLOSURE = "THIRD_PARTY_DISCLOSURE"
    FALSE_AUTHORITY = "FALSE_AUTHORITY"
    CASH_OR_CARD_REQUEST = "CASH_OR_CARD_REQUEST"
    MISSING_IDENTIFICATION = "MISSING_IDENTIFICATION"
    VISIT_PROCEDURE = "VISIT_PROCEDURE"
    VISIT_ELIGIBILITY = "VISIT_ELIGIBILITY"
    VISIT_STAFFING = "VISIT_STAFFING"
    CONTACT_HOURS = "CONTACT_HOURS"
    CONTACT_FREQUENCY = "CONTACT_FREQUENCY"
    RECORDING_INTEGRITY = "RECORDING_INTEGRITY"


class Severity(str, enum.Enum):
    """How bad a finding is; ``critical`` fails the contact outright."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Role(str, enum.Enum):
    """Who a speaker is in the conversation."""

    AGENT = "agent"
    DEBTOR = "debtor"
    RELATIVE = "relative"
    THIRD_PARTY = "third_party"


CONTACT_ROLES = (Role.DEBTOR.value, Role.RELATIVE.value, Role.THIRD_PARTY.value)


class ContactStatus(str, enum.Enum):
    """Where a contact stands in the audit."""

    PENDING = "pending"
    AUDITED = "audited"
    NO_RECORDING = "no_recording"  # a dial attempt without audio: metadata rules only
    FAILED = "failed"


@dataclass(frozen=True)
class Contact:
    """One row of the dialer/visit log, validated.

    Attributes mirror the manifest columns of ``shared/corpus/README.md``. ``audio_file`` is
    relative to the batch's input directory, or ``None`` for a dial attempt without a recording.
    """

    call_id: str
    kind: str  # call | visit
    started_at: datetime  # timezone-aware: the debtor's local time
    talk_seconds: float
    outcome: str
    agent_id: str
    agent_name: str = ""
    team: str = ""
    agency: str = ""
    creditor: str = ""
    product: str = ""
    case_id: str = ""
    debtor_id: str = ""
    phone: str = ""  # the number dialled, digits only (optional manifest column)
    contact_role: str = Role.DEBTOR.value
    days_past_due: int | None = None
    visit_staff: int | None = None
    channel_layout: str | None = None  # stereo_agent_left | stereo_agent_right | mono
    audio_file: str | None = None
    debtor_name: str = ""
    line: int = 0  # manifest line number, for error messages

    @property
    def has_recording(self) -> bool:
        return bool(self.audio_file)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["started_at"] = self.started_at.isoformat()
        return d


@dataclass
class Segment:
    """A diarized, role-labelled stretch of speech (times in seconds from the start)."""

    speaker: str
    role: str
    start: float
    end: float
    text: str
    confidence: float | None = None
    channel: int | None = None


@dataclass
class Finding:
    """A rule violation with its evidence.

    Contact-level findings (contact hours, frequency, a missing statement) carry no speaker and
    no times.

    ``detector`` says what kind of check raised it (:func:`audit.rules.model.detector_label`:
    lexicon, cooccurrence, regex, frame, similar, model, required, metadata, log) and
    ``confidence`` how sure it is: 1.0 for a deterministic rule, the predicted probability for
    the learned model. A model finding below the pack's report threshold is *suspected*
    (``details["suspected"]``): it waits for a reviewer and does not count in the score.
    """

    call_id: str
    rule_id: str
    category: str
    severity: str
    title: str = ""
    citation: str = ""
    speaker: str | None = None
    role: str | None = None
    start: float | None = None
    end: float | None = None
    evidence: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    detector: str = ""
    confidence: float = 1.0

    @property
    def suspected(self) -> bool:
        """A learned second opinion not sure enough to report: reviewed, never scored."""
        return bool(self.details.get("suspected"))

    def key(self) -> tuple:
        return (self.call_id, self.rule_id, self.start, self.end)


@dataclass
class Transcript:
    """Everything the pipeline learned from one recording."""

    call_id: str
    duration_s: float
    segments: list[Segment]
    language: str = "zh"
    metrics: dict[str, Any] = field(default_factory=dict)
