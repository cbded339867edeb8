"""Contact-level checks on log data (labelled ``metadata`` in findings): quiet hours, visit
eligibility and staffing, recording integrity. Each judges one contact with the pack's
parameters and the metrics measured from its recording."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Literal

from audit.rules.detectors.base import MetadataDetector, register
from audit.voiceprints import UNREGISTERED

if TYPE_CHECKING:
    from audit.rules.model import Parameters
    from audit.schema import Contact

Verdict = tuple[str, dict[str, Any]] | None  # (evidence, details) of a finding, or None


def _parse_clock(value: str) -> time:
    hour, minute = value.split(":")
    return time(int(hour) % 24, int(minute))


def in_quiet_hours(start: datetime, seconds: float, quiet_start: str, quiet_end: str) -> bool:
    """Whether any part of ``start``..``start+seconds`` (local time) falls in the quiet window."""
    qs, qe = _parse_clock(quiet_start), _parse_clock(quiet_end)
    end = start + timedelta(seconds=max(seconds, 0.0))
    day = start.date() - timedelta(days=1)
    while day <= end.date():
        lo = datetime.combine(day, qs, tzinfo=start.tzinfo)
        hi = datetime.combine(day + timedelta(days=1) if qe <= qs else day, qe, tzinfo=start.tzinfo)
        if start < hi and (end > lo or start >= lo):
            return True
        day += timedelta(days=1)
    return False


@register
class ContactHoursDetector(MetadataDetector):
    """Contact-level: any part of started_at..+talk_seconds inside the quiet window."""

    type: Literal["contact_hours"]

    def judge(self, contact: Contact, metrics: dict, p: Parameters) -> Verdict:
        if in_quiet_hours(contact.started_at, contact.talk_seconds, p.quiet_start, p.quiet_end):
            local = contact.started_at.strftime("%Y-%m-%d %H:%M %z")
            return (f"started {local}, {contact.talk_seconds:.0f} s",
                    {"started_at": contact.started_at.isoformat(), "quiet": f"{p.quiet_start}-{p.quiet_end}"})
        return None


@register
class VisitEligibilityDetector(MetadataDetector):
    """Contact-level: a visit while days_past_due ≤ ``visit_min_days_past_due``."""

    type: Literal["visit_eligibility"]

    def judge(self, contact: Contact, metrics: dict, p: Parameters) -> Verdict:
        dpd = contact.days_past_due
        if contact.kind == "visit" and dpd is not None and dpd <= p.visit_min_days_past_due:
            return f"days_past_due {dpd}", {"days_past_due": dpd, "minimum": p.visit_min_days_past_due + 1}
        return None


@register
class VisitStaffingDetector(MetadataDetector):
    """Contact-level: fewer visitors than ``visit_min_staff`` (manifest, or agent voices heard)."""

    type: Literal["visit_staffing"]
    source: Literal["manifest", "voices"] = "manifest"
    # (source voices) an unregistered collector voice with less speech than this is too little to
    # judge: listed in the details as inconclusive, not raised; 0 raises every one
    min_voice_s: float = 0.0

    def judge(self, contact: Contact, metrics: dict, p: Parameters) -> Verdict:
        if contact.kind != "visit":
            return None
        voices = metrics.get("agent_voices")
        staff = contact.visit_staff
        if self.source == "manifest":
            count = staff if staff is not None else voices
            if count is not None and count < p.visit_min_staff:
                return f"visit_staff {staff}", {"visit_staff": staff, "agent_voices": voices}
        elif metrics.get("collector_voices") is not None and contact.has_recording:
            return _staffing_by_voice(contact, metrics, self.min_voice_s)
        elif (voices is not None and contact.has_recording and voices < p.visit_min_staff
              and staff is not None and staff >= p.visit_min_staff):
            # the manifest claims enough visitors but diarization heard fewer collectors
            return (f"{voices} collector voice(s) heard, manifest says {staff}",
                    {"visit_staff": staff, "agent_voices": voices})
        return None


def _staffing_by_voice(contact: Contact, metrics: dict, min_voice_s: float = 0.0) -> Verdict:
    """The collectors heard, identified by voice (``pipelines.voices``), against the log: fewer
    distinct collector voices than it claims, a collector voice matching no enrolled agent, or a
    logged collector with a voiceprint never heard.

    An unregistered voice with less than ``min_voice_s`` seconds of speech is *inconclusive*: it
    still counts as a voice heard, is not raised as unregistered, and may be one of the logged
    collectors not otherwise heard (so as many of those are not raised as never heard)."""
    matched = metrics["collector_voices"]
    known = sorted({m["agent_id"] for m in matched if m["agent_id"] != UNREGISTERED})
    voices = [m for m in matched if m["agent_id"] == UNREGISTERED]
    unregistered = [m for m in voices if m["seconds"] >= min_voice_s]
    inconclusive = [m for m in voices if m["seconds"] < min_voice_s]
    distinct = len(known) + len(voices)
    claimed = contact.visit_staff
    missing = [a for a in metrics.get("logged_with_profile", []) if a not in known]
    if len(missing) <= len(inconclusive):
        missing = []
    reasons = []
    if claimed is not None and distinct < claimed:
        reasons.append(f"{distinct} distinct collector voice(s) heard, the log says {claimed}")
    # Each collector the log claims without a voiceprint (named but not enrolled — a team or a
    # bank part-way through enrollment — or only counted in visit_staff) may explain one unmatched
    # voice: only unmatched voices beyond those are raised; the others stay in the evidence.
    logged = metrics.get("logged_staff") or []
    enrolled = len(set(logged) & set(metrics.get("logged_with_profile") or []))
    unenrolled = max(claimed or 0, len(logged)) - enrolled
    if len(unregistered) > unenrolled:
        reasons.append(f"{len(unregistered)} collector voice(s) match no enrolled agent "
                       "(" + ", ".join(f"{m['seconds']:.0f} s" for m in unregistered) + ")")
    if missing:
        reasons.append(f"logged collector(s) {', '.join(missing)} never heard")
    if not reasons:
        return None
    return "; ".join(reasons), {"visit_staff": claimed, "heard": known, "unregistered": len(unregistered),
                                "inconclusive": len(inconclusive), "never_heard": missing,
                                "collector_voices": matched}


@register
class RecordingIntegrityDetector(MetadataDetector):
    """Contact-level: recording much shorter than the dialer's talk time, or missing."""

    type: Literal["recording_integrity"]

    def judge(self, contact: Contact, metrics: dict, p: Parameters) -> Verdict:
        talk = contact.talk_seconds or 0.0
        if not contact.has_recording:
            if talk > p.recording_min_missing_s:
                return f"no recording for {talk:.0f} s of talk", {"talk_seconds": talk, "duration_s": None}
            return None
        duration = metrics.get("duration_s")
        speech = metrics.get("speech_s")
        if duration is not None and speech is not None and duration > p.recording_min_missing_s \
                and speech < p.recording_min_speech_ratio * duration:
            return (f"recording {duration:.0f} s holds only {speech:.0f} s of speech",
                    {"talk_seconds": talk, "duration_s": duration, "speech_s": speech})
        if duration is None or talk <= 0:
            return None
        if duration < p.recording_min_ratio * talk and talk - duration > p.recording_min_missing_s:
            return (f"recording {duration:.0f} s, dialer talk time {talk:.0f} s",
                    {"talk_seconds": talk, "duration_s": duration})
        return None
