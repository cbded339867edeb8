"""Clips around timed findings, cut from samples that a decoder passed in has decoded.

``audit`` decodes no audio (see :mod:`audit.evidence`): whoever exports a pack passes a
:class:`Decoder`, normally :func:`pipelines.audio.load_audio` (PyAV). This module only cuts the
decoded samples and writes them as 16-bit PCM WAV, with the standard library's :mod:`wave`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from audit import models
from audit.evidence.pack import EvidenceError, rule_slug

CLIP_PADDING_S = 3.0


class DecodedAudio(Protocol):
    """A decoded recording, as :class:`pipelines.audio.Audio` is."""

    @property
    def samples(self) -> Any:
        """float32 numpy array of shape (channels, n), values in [-1, 1]."""

    @property
    def rate(self) -> int:
        """Samples a second (16 kHz from :func:`pipelines.audio.load_audio`)."""


class Decoder(Protocol):
    """Decodes a recording; :func:`pipelines.audio.load_audio` is one.

    Raises whatever its own decoding errors are (:class:`pipelines.audio.AudioError`): they
    reach the caller of the export unchanged.
    """

    def __call__(self, path: Path, sha256: str | None = None) -> DecodedAudio: ...


def decode(decoder: Decoder | None, path: Path, sha256: str | None, call_id: str) -> DecodedAudio:
    """``path`` decoded with ``decoder``.

    Raises:
        EvidenceError: no decoder was passed although this pack needs the samples.
    """
    if decoder is None:
        raise EvidenceError(
            f"{call_id}: cutting clips from (or redacting) recording {path.name} needs an audio decoder; "
            "pass decoder=pipelines.audio.load_audio (the audit CLI and the dashboard server do)"
        )
    return decoder(path, sha256=sha256)


def duration_of(audio: DecodedAudio) -> float:
    """Seconds of ``audio``."""
    return audio.samples.shape[1] / audio.rate


def wav_bytes(samples, rate: int, start: float, end: float) -> bytes:
    """16-bit PCM WAV bytes of ``samples`` (channels, n) between ``start`` and ``end`` seconds."""
    import wave

    import numpy as np

    lo = max(0, int(start * rate))
    hi = min(samples.shape[1], max(lo + 1, int(end * rate)))
    clip = np.clip(samples[:, lo:hi], -1.0, 1.0)
    pcm = (clip.T * 32767.0).round().astype("<i2")  # interleaved frames
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(samples.shape[0])
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.tobytes())
    return buffer.getvalue()


def cut_clips(audio: DecodedAudio, timed: Sequence[models.Finding], padding_s: float,
              files: dict[str, bytes], warnings: list[str]) -> dict[int, str]:
    """Add a clip of each finding of ``timed`` (± ``padding_s``) to ``files``.

    Clips are numbered in the order of ``timed``; a finding that starts past the end of the
    recording gets no clip and a line in ``warnings``.

    Returns:
        The clip's pack path by finding id.
    """
    duration = duration_of(audio)
    clip_of: dict[int, str] = {}
    for n, f in enumerate(timed, start=1):
        assert f.start is not None and f.id is not None  # a timed finding, a stored row
        start = max(0.0, f.start - padding_s)
        end = min(duration, (f.end if f.end is not None else f.start) + padding_s)
        if end <= start:
            warnings.append(
                f"finding {f.id} ({f.rule_id}) at {f.start:.1f}s is past the end of the recording"
            )
            continue
        clip = f"clips/{n:02d}_{rule_slug(f.rule_id)}_{start:07.2f}-{end:07.2f}.wav"
        files[clip] = wav_bytes(audio.samples, audio.rate, start, end)
        clip_of[f.id] = clip
    return clip_of
