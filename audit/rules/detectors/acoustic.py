"""Conduct detectors, judged from the measured recording rather than the words (labelled by
type in findings). The measuring is :mod:`audit.rules.conduct`; each detector picks its check."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from audit.rules import conduct
from audit.rules.detectors.base import AcousticDetector, register

if TYPE_CHECKING:
    from audit.rules.conduct import Stretch
    from audit.rules.model import Parameters
    from audit.schema import Segment


@register
class RaisedVoiceDetector(AcousticDetector):
    """Acoustic: an in-scope speaker at least ``raised_voice_db`` over their party's usual level
    in the call for ``raised_voice_min_s`` seconds (consecutive segments, each loud for
    ``raised_voice_min_share`` of it, together), at a pitch not below
    ``raised_voice_min_pitch_st`` (see :mod:`audit.rules.conduct`)."""

    type: Literal["raised_voice"]

    def stretches(self, segments: list[Segment], roles: set[str], p: Parameters) -> list[Stretch]:
        return conduct.raised_voice(segments, roles, p)


@register
class OvertalkDetector(AcousticDetector):
    """Acoustic: an in-scope speaker starts while the other party is speaking (and both go on for
    ``overtalk_min_s``) at least ``overtalk_min_count`` times, or for ``overtalk_min_total_s``
    seconds in all; one finding per talk-over."""

    type: Literal["overtalk"]

    def stretches(self, segments: list[Segment], roles: set[str], p: Parameters) -> list[Stretch]:
        return conduct.overtalk(segments, roles, p)


@register
class DeadAirDetector(AcousticDetector):
    """Acoustic: nobody speaks for ``dead_air_min_s`` seconds between two stretches of speech."""

    type: Literal["dead_air"]

    def stretches(self, segments: list[Segment], roles: set[str], p: Parameters) -> list[Stretch]:
        return conduct.dead_air(segments, p)


@register
class SpeechRateDetector(AcousticDetector):
    """Acoustic: an in-scope speaker says more than ``speech_rate_max_cps`` characters a second
    over at least ``speech_rate_min_s`` seconds (consecutive segments together)."""

    type: Literal["speech_rate"]

    def stretches(self, segments: list[Segment], roles: set[str], p: Parameters) -> list[Stretch]:
        return conduct.fast_speech(segments, roles, p)
