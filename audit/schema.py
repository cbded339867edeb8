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
    # how the collector sounds, judged from the audio rather than the words: shouting at the
    # person or repeatedly talking over them (语气粗暴、大声呵斥、频繁打断)
    CONDUCT = "CONDUCT"


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
    # the collectors the log names (manifest ``visit_staff`` given as ``V301;V305``); empty when
    # the log gives only a count
    visit_staff_ids: tuple[str, ...] = ()
    channel_layout: str | None = None  # stereo_agent_left | stereo_agent_right | mono
    audio_file: str | None = None
    # the debtor's full name as the lender's file holds it (optional manifest column; personal
    # data, masked where the product masks the debtor's number: audit.masking.mask_name)
    debtor_name: str = ""
    line: int = 0  # manifest line number, for error messages
    # the names of the other collectors ``visit_staff_ids`` lists, as earlier log rows give
    # them (pipelines.batch.plan.with_staff_names; not a manifest column): the call's vocabulary
    visit_staff_names: tuple[str, ...] = ()

    @property
    def has_recording(self) -> bool:
        return bool(self.audio_file)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["started_at"] = self.started_at.isoformat()
        return d


@dataclass
class Acoustics:
    """How a segment was said, measured from the recording (:mod:`pipelines.acoustics`).

    Levels and pitch are relative to the same speaker in the same call (their median segment),
    so a quiet line, a far-field recorder or a gain control that moves the whole call up or
    down changes nothing; only a change within the speaker does.

    Attributes:
        level_db: RMS level of the segment's speech frames (dBFS; the speaker's channel on a
            stereo call, the mix otherwise).
        level_rel_db: ``level_db`` minus the speaker's median segment level.
        loudness: the level relative to the speaker's median, one value per ``step_s`` from the
            segment's start (``None`` where there is no speech in the step).
        pitch_hz: median fundamental frequency of the voiced frames (``None``: too little voicing).
        pitch_rel_st: ``pitch_hz`` against the median of the same diarized voice's calm segments
            (the party's where it has none), in semitones.
        pitch_range_st: 10th to 90th percentile of the segment's pitch, in semitones.
        rate_cps: characters said per second of the segment.
        overlap_s: seconds of the segment during which the other party speaks too.
        interrupt_s: when the speaker started while the other party was already speaking, how
            long both went on together; 0 when the segment did not start over anyone.
        gap_before_s: the gap between the previous segment (anyone's) and this one.
        step_s: the spacing of ``loudness``.
        silences: ``[start, end]`` stretches where the recording's voice activity hears nobody
            (the call's mix: neither channel speaks), at least 0.5 s, that begin in this segment
            or after it and before the next segment (the first segment also holds those before
            it); ``None`` for a segment measured before they were (its silences are then the
            gaps between segments, :func:`audit.rules.conduct.silences`).
    """

    level_db: float
    level_rel_db: float = 0.0
    loudness: list[float | None] = field(default_factory=list)
    pitch_hz: float | None = None
    pitch_rel_st: float | None = None
    pitch_range_st: float | None = None
    rate_cps: float | None = None
    overlap_s: float = 0.0
    interrupt_s: float = 0.0
    gap_before_s: float | None = None
    step_s: float = 0.25
    silences: list[list[float]] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Acoustics | None:
        """The stored form back (``None`` for a segment stored without acoustics); unknown keys
        of a newer version are ignored."""
        if not data:
            return None
        known = {f: data[f] for f in cls.__dataclass_fields__ if f in data}
        return cls(**known)


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
    acoustics: Acoustics | None = None  # None: not measured (a truth transcript, an old row)
    # the collector whose voice this is (pipelines.voices): an agent id, "unregistered", or None
    agent_id: str | None = None


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
    # the collector who said it, identified by voice (None: the contact's agent)
    agent_id: str | None = None

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
