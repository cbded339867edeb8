"""Speaker diarization: who spoke when in a mono recording.

Two engines behind one small Protocol (:class:`Diarizer`), picked by name with
:func:`get_diarizer`:

* ``embedded`` (:class:`pipelines.diarization.embedded.EmbeddedDiarizer`, the default) runs
  offline with weights that ship inside pip packages: Silero VAD (:mod:`pipelines.vad`) finds
  speech, the speech is cut into turn-sized pieces, each piece gets a Resemblyzer GE2E
  embedding (:mod:`.embedding`), and the pieces are clustered on cosine distance
  (:mod:`.clustering`). The speaker count comes from the caller (the manifest) or is estimated.
  On a room recording (a visit) cepstral features of each piece (:mod:`.voice`,
  ``voice_features``) are appended to its embedding and pieces shorter than the encoder's
  window are repeated to fill it (``short_fill="auto"``); telephone audio and recordings with
  a raised voice keep the plain embeddings.
* ``pyannote`` (:class:`pipelines.diarization.pyannote.PyannoteDiarizer`) wraps a
  ``pyannote.audio`` pipeline, an optional extra whose weights come from a token-gated hub or a
  local pipeline directory.

Stereo calls need none of this: each channel is one party, and :func:`pipelines.vad.speech_regions`
(the same VAD) finds the speech on each channel.

All engines take mono float32 audio at 16 kHz and return :class:`Turn` objects labelled
``S0``, ``S1``, ... in order of first appearance. This package's public face is what
``__all__`` lists; engine-specific names are imported from their own modules.
"""

from __future__ import annotations

from typing import Any

from pipelines.diarization.base import DiarizationError, Diarizer, Turn
from pipelines.diarization.embedded import EmbeddedDiarizer
from pipelines.diarization.pyannote import PyannoteDiarizer
from pipelines.registry import Registry

__all__ = ["DIARIZERS", "DiarizationError", "Diarizer", "Turn", "expected_speakers", "get_diarizer"]


def expected_speakers(kind: str, visit_staff: int | None) -> int | None:
    """Speaker count the manifest implies, or ``None`` when it must be estimated.

    A call has the collector and one other party; a visit has ``visit_staff`` collectors and
    the person they visit. An empty ``visit_staff`` leaves the count to the diarizer.
    """
    if kind == "call":
        return 2
    if kind == "visit" and visit_staff:
        return int(visit_staff) + 1
    return None


DIARIZERS: Registry[Diarizer] = Registry("diarizer")
DIARIZERS["embedded"] = EmbeddedDiarizer
DIARIZERS["pyannote"] = PyannoteDiarizer


def get_diarizer(name: str = "embedded", **options: Any) -> Diarizer:
    """Build a diarizer by name (``embedded`` or ``pyannote``).

    Raises:
        ValueError: unknown name; the message lists the valid choices.
    """
    return DIARIZERS.create(name, **options)
