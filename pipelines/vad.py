"""Voice activity detection: where a recording holds speech.

One VAD for every stage that needs it: the embedded diarizer cuts speech into pieces with it,
a stereo call finds each channel's speech with it, and the ASR engines look for speech the
decoder skipped with it. It is Silero VAD, run from the ONNX file that faster-whisper ships,
so it needs no download and no extra package.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Any

import numpy as np

from pipelines.audio import SAMPLE_RATE

# Silero's speech probabilities of the last few signals seen, kept by content (see share_vad):
# 16 (a minute's probabilities are 7.5 kB), so that the recogniser running ahead on the next
# recording and its re-decoded gaps do not push out the mix the acoustics read last
# (pipelines.acoustics.silences)
_KEEP = 16


class _RememberingVad:
    """Silero VAD that computes the speech probabilities of a signal once.

    One recording goes through the VAD four times: faster-whisper's ``vad_filter``, the search
    for speech the decoder skipped (:func:`pipelines.asr.fill_speech_gaps`), the diarizer's
    pieces and the silences of the acoustics (:func:`pipelines.acoustics.silences`), each with
    its own thresholds. The thresholds only read the per-frame probabilities,
    which depend on the samples alone (the model's state starts from zero on every call), so
    the probabilities of the last few signals are kept, keyed by their samples.
    """

    def __init__(self, model: Any) -> None:
        self._model = model
        self._kept: OrderedDict[tuple[int, bytes], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.computed = 0  # signals run through the model (tests read it)

    def __call__(self, audio: np.ndarray, *args: Any, **kwargs: Any) -> np.ndarray:
        if args or kwargs:
            return self._model(audio, *args, **kwargs)
        samples = np.ascontiguousarray(audio)
        key = (samples.shape[0], hashlib.blake2b(samples.view(np.uint8), digest_size=16).digest())
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key].copy()
        probabilities = self._model(audio)
        with self._lock:
            self.computed += 1
            self._kept[key] = probabilities.copy()
            while len(self._kept) > _KEEP:
                self._kept.popitem(last=False)
        return probabilities


def share_vad() -> _RememberingVad:
    """Make faster-whisper's Silero VAD (its ``vad_filter`` and :func:`speech_regions`) compute
    each signal's probabilities once per process; returns the shared model.

    faster-whisper builds its VAD model through ``faster_whisper.vad.get_vad_model`` (cached);
    that function is replaced by one returning the remembering wrapper around the same model.
    """
    import faster_whisper.vad as fw_vad

    current = fw_vad.get_vad_model()
    if isinstance(current, _RememberingVad):
        return current
    shared = _RememberingVad(current)
    fw_vad.get_vad_model = lambda: shared  # type: ignore[assignment]
    return shared


def speech_regions(audio: np.ndarray, *, threshold: float = 0.5, neg_threshold: float | None = None,
                   min_silence_ms: int = 250, min_speech_ms: int = 200,
                   pad_ms: int = 80) -> list[tuple[float, float]]:
    """Find speech in a 16 kHz mono signal with Silero VAD (the ONNX model faster-whisper ships).

    The defaults suit both 8 kHz telephone audio (resampled to 16 kHz, band 300-3400 Hz) and
    far-field visit recordings: Silero's speech probability stays low (< 0.25) on room noise
    and reverb tails, so the usual 0.5 threshold holds; a 250 ms pause is the shortest gap
    between two people's turns in ordinary conversation, so regions end at turn changes.

    Args:
        audio: mono float32 samples at 16 kHz.
        threshold: speech probability above which a 32 ms frame starts speech.
        neg_threshold: probability below which speech ends (default ``threshold - 0.15``).
        min_silence_ms: a pause at least this long ends a region.
        min_speech_ms: regions shorter than this are dropped (clicks, coughs).
        pad_ms: padding added on each side of a region (never across a neighbour).

    Returns:
        ``(start, end)`` pairs in seconds, sorted and non-overlapping.
    """
    # faster-whisper pulls in CTranslate2 and onnxruntime: load it on first use, not on import
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    share_vad()
    audio = np.ascontiguousarray(audio, dtype=np.float32).reshape(-1)
    if audio.size < 512:
        return []
    options = VadOptions(threshold=threshold, neg_threshold=neg_threshold,
                         min_silence_duration_ms=min_silence_ms, min_speech_duration_ms=min_speech_ms,
                         speech_pad_ms=pad_ms)
    stamps = get_speech_timestamps(audio, options, sampling_rate=SAMPLE_RATE)
    return [(s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE) for s in stamps if s["end"] > s["start"]]
