"""Detectors, one module per kind, registered by their YAML ``type``.

=================  ===============================================  ===========
module             types                                            family
=================  ===============================================  ===========
``lexicon``        lexicon                                          line
``regex``          regex (a *frame* when written with word classes) line
``cooccurrence``   cooccurrence                                     line
``similar``        similar                                          line
``model``          model                                            model
``required``       required                                         required
``metadata``       contact_hours, visit_eligibility,                metadata
                   visit_staffing, recording_integrity
``log``            attempts_per_day, connected_per_day              log
``acoustic``       raised_voice, overtalk, dead_air, speech_rate    acoustic
=================  ===============================================  ===========

Each detector class validates its own settings (pydantic) and judges (its methods); the pack
(:class:`audit.rules.pack.RulePack`) sorts rules by family and calls those methods, so a new
detector is a new class with :func:`~audit.rules.detectors.base.register`, not a new branch in
the loader or the engine. The modules are imported here in a fixed order: it is the order of
:data:`DETECTORS`, and the order in which an error lists the valid types.
"""

from typing import TYPE_CHECKING, Annotated, TypeAlias, Union

from pydantic import Field

# Importing a module registers its detectors: this order is the registry's.
# isort: off
from audit.rules.detectors import lexicon  # noqa: F401
from audit.rules.detectors import regex  # noqa: F401
from audit.rules.detectors import cooccurrence  # noqa: F401
from audit.rules.detectors import similar  # noqa: F401
from audit.rules.detectors import model  # noqa: F401
from audit.rules.detectors import required  # noqa: F401
from audit.rules.detectors import metadata  # noqa: F401
from audit.rules.detectors import log  # noqa: F401
from audit.rules.detectors import acoustic  # noqa: F401
# isort: on
from audit.rules.detectors.acoustic import (
    DeadAirDetector,
    OvertalkDetector,
    RaisedVoiceDetector,
    SpeechRateDetector,
)
from audit.rules.detectors.base import DETECTORS, DetectorBase, LineDetector, register, types_of
from audit.rules.detectors.cooccurrence import CooccurrenceDetector
from audit.rules.detectors.lexicon import LexiconDetector
from audit.rules.detectors.log import AttemptsPerDayDetector, ConnectedPerDayDetector
from audit.rules.detectors.metadata import (
    ContactHoursDetector,
    RecordingIntegrityDetector,
    VisitEligibilityDetector,
    VisitStaffingDetector,
)
from audit.rules.detectors.model import ModelDetector
from audit.rules.detectors.regex import RegexDetector
from audit.rules.detectors.required import RequiredDetector
from audit.rules.detectors.similar import SimilarDetector

# A rule's ``detector:``: whichever registered class its ``type`` names. The union is built from
# the registry at import, which a type checker cannot follow: it sees the base class, and a caller
# that needs one family's methods narrows with isinstance (or the family's ``stage``).
if TYPE_CHECKING:
    Detector: TypeAlias = DetectorBase
else:
    Detector = Annotated[Union[tuple(DETECTORS.values())], Field(discriminator="type")]  # noqa: UP007

LINE_TYPES = types_of("line")
LOG_TYPES = types_of("log")

__all__ = [
    "DETECTORS",
    "LINE_TYPES",
    "LOG_TYPES",
    "AttemptsPerDayDetector",
    "ConnectedPerDayDetector",
    "ContactHoursDetector",
    "CooccurrenceDetector",
    "DeadAirDetector",
    "Detector",
    "DetectorBase",
    "LexiconDetector",
    "LineDetector",
    "ModelDetector",
    "OvertalkDetector",
    "RaisedVoiceDetector",
    "RecordingIntegrityDetector",
    "RegexDetector",
    "RequiredDetector",
    "SimilarDetector",
    "SpeechRateDetector",
    "VisitEligibilityDetector",
    "VisitStaffingDetector",
    "register",
    "types_of",
]
