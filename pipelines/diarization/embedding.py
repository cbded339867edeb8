"""Speaker embeddings: Resemblyzer's GE2E voice encoder, loaded once per process.

The encoder's weights ship inside the ``resemblyzer`` wheel, so the embedded diarizer (and the
joint speaker/role decision in :mod:`pipelines.speakers`) run offline. The network runs in numpy
(:mod:`pipelines.diarization.ge2e`): neither torch nor resemblyzer is imported.
"""

from __future__ import annotations

import threading
from contextlib import nullcontext
from functools import cache

import numpy as np
from threadpoolctl import threadpool_limits

from pipelines.audio import SAMPLE_RATE
from pipelines.diarization.base import DiarizationError
from pipelines.diarization.ge2e import Ge2eEncoder, WeightsError

_ENCODER: Ge2eEncoder | None = None
_ENCODER_LOCK = threading.Lock()


def voice_encoder() -> Ge2eEncoder:
    """The GE2E encoder, loaded once per process (its weights ship in the resemblyzer wheel; run in
    numpy, :mod:`pipelines.diarization.ge2e`)."""
    global _ENCODER
    with _ENCODER_LOCK:
        if _ENCODER is None:
            try:
                _ENCODER = Ge2eEncoder.bundled()
            except WeightsError as exc:  # pragma: no cover - a broken install
                raise DiarizationError(f"the embedded diarizer cannot load its speaker encoder: {exc}") from exc
    return _ENCODER


def _normalize(wav: np.ndarray, target_dbfs: float = -30.0) -> np.ndarray:
    # Resemblyzer's mel spectrogram is not log-scaled, so loudness changes the embedding;
    # bring every piece to the level the encoder was trained on (-30 dBFS).
    rms = float(np.sqrt(np.mean(np.square(wav, dtype=np.float64))))
    if rms < 1e-6:
        return wav
    return (wav * (10 ** (target_dbfs / 20) / rms)).astype(np.float32)


# The encoder's input (Resemblyzer's audio hparams): a mel power spectrogram of 25 ms Hann
# windows every 10 ms, 40 Slaney mel bands over 0-8 kHz, not log-scaled.
_N_FFT, _HOP, _N_MELS = 400, 160, 40


@cache
def _slaney_mel(sr: int = SAMPLE_RATE, n_fft: int = _N_FFT, n_mels: int = _N_MELS) -> np.ndarray:
    """``librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels)``: Slaney's mel scale (linear to
    1 kHz, logarithmic above) and area-normalised triangles, (n_mels, 1 + n_fft // 2), float32."""
    f_sp, min_log_hz, logstep = 200.0 / 3, 1000.0, np.log(6.4) / 27.0

    def to_mel(f: np.ndarray) -> np.ndarray:
        return np.where(f >= min_log_hz, min_log_hz / f_sp + np.log(np.maximum(f, 1e-10) / min_log_hz) / logstep,
                        f / f_sp)

    def to_hz(m: np.ndarray) -> np.ndarray:
        return np.where(m >= min_log_hz / f_sp, min_log_hz * np.exp(logstep * (m - min_log_hz / f_sp)), f_sp * m)

    fft_hz = np.fft.rfftfreq(n_fft, 1.0 / sr)
    edges = to_hz(np.linspace(to_mel(np.array(0.0)), to_mel(np.array(sr / 2.0)), n_mels + 2))
    ramps = np.subtract.outer(edges, fft_hz)
    width = np.diff(edges)
    weights = np.zeros((n_mels, len(fft_hz)), dtype=np.float32)
    for i in range(n_mels):
        weights[i] = np.maximum(0, np.minimum(-ramps[i] / width[i], ramps[i + 2] / width[i + 1]))
    weights *= (2.0 / (edges[2:n_mels + 2] - edges[:n_mels]))[:, None]
    return weights


def encoder_mel(wav: np.ndarray) -> np.ndarray:
    """The encoder's input frames, (frames, 40): what ``resemblyzer.audio.wav_to_mel_spectrogram``
    computes (librosa's centred, zero-padded STFT and mel filters), in numpy alone. librosa's
    first call in a process imports and compiles for seconds (docs/conduct.md, *Cost*)."""
    y = np.pad(np.asarray(wav, dtype=np.float32), _N_FFT // 2)
    frames = np.lib.stride_tricks.sliding_window_view(y, _N_FFT)[::_HOP]
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(_N_FFT) / _N_FFT)  # periodic Hann
    spec = np.fft.rfft(frames * window, axis=-1).astype(np.complex64)
    return ((spec.real ** 2 + spec.imag ** 2) @ _slaney_mel().T).astype(np.float32)


def embed_windows(audio: np.ndarray, spans: list[tuple[float, float]], *,
                  window_s: float = 1.6, step_s: float = 0.8, threads: int | None = 1,
                  fill: str = "zeros") -> list[np.ndarray]:
    """Partial (window-level) GE2E embeddings for each span, in one batched forward pass.

    Each span is cut into windows of 1.6 s (the encoder's training length) every ``step_s``;
    a span shorter than a window gives one window padded with zeros after it (``fill="zeros"``,
    Resemblyzer's own way), filled by repeating the span (``"repeat"``, :func:`_fill_window`), or
    is encoded at its own length (``"none"``); docs/conduct.md compares them. ``threads`` caps the BLAS
    threads for the call (restored afterwards): the small LSTM batch gains nothing
    from more, and on a shared 2-core machine extra spinning threads made it 5x slower.

    Returns:
        One ``(n_windows, 256)`` array per span, rows L2-normalised.
    """
    if fill not in ("repeat", "zeros", "none"):
        raise ValueError(f"fill must be 'repeat', 'zeros' or 'none', got {fill!r}")
    encoder = voice_encoder()
    frames_per_window = round(window_s * 100)  # 10 ms mel hop
    frame_step = max(1, round(step_s * 100))
    batch: list[np.ndarray] = []
    owners: list[int] = []
    single: list[tuple[int, np.ndarray]] = []  # fill="none": short spans go through the encoder as they are
    for index, (start, end) in enumerate(spans):
        wav = _normalize(audio[int(start * SAMPLE_RATE):int(end * SAMPLE_RATE)])
        mel = encoder_mel(wav)
        if len(mel) < frames_per_window:
            if fill == "none" and len(mel):
                single.append((index, mel))
                continue
            mel = _fill_window(mel, frames_per_window) if fill == "repeat" else \
                np.pad(mel, ((0, frames_per_window - len(mel)), (0, 0)))
        last = len(mel) - frames_per_window
        starts = list(range(0, last + 1, frame_step))
        if last - starts[-1] > frame_step // 2:  # cover the tail of the span too
            starts.append(last)
        for s in starts:
            batch.append(mel[s:s + frames_per_window])
            owners.append(index)
    out: list[list[np.ndarray]] = [[] for _ in spans]
    if batch or single:
        with threadpool_limits(threads) if threads else nullcontext():
            if batch:
                for owner, vector in zip(owners, encoder(np.stack(batch))):
                    out[owner].append(vector)
            for owner, mel in single:
                out[owner].append(encoder(mel[None])[0])
    return [np.stack(v) if v else np.zeros((0, 256), np.float32) for v in out]


def _fill_window(mel: np.ndarray, frames: int) -> np.ndarray:
    """A span shorter than one window, repeated to fill it (zeros where it has no frames at all).

    With zero padding a 0.8 s piece is half silence to the encoder, whose embedding is its state
    after the last frame, and short pieces of different people embed alike; repeating the
    piece's own frames avoids that. It pays on room recordings without a raised voice, not on
    telephone calls or with a shout (docs/conduct.md), so the diarizer's default (``"auto"``,
    :class:`~pipelines.diarization.embedded.EmbeddedOptions`) uses it only there.
    """
    if len(mel) == 0:
        return np.zeros((frames, mel.shape[1]), dtype=mel.dtype)
    return np.pad(mel, ((0, frames - len(mel)), (0, 0)), mode="wrap")


def unit(v: np.ndarray) -> np.ndarray:
    """``v`` scaled to unit length along its last axis (zero vectors stay near zero)."""
    norm = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.maximum(norm, 1e-9)
