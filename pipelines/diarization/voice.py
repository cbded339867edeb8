"""Spectral-envelope features of a piece of speech, to sit next to its speaker embedding.

Resemblyzer's GE2E embedding barely tells apart two voices that share a base voice on an 8 kHz
line (docs/conduct.md). Vocal-tract length and spectral tilt shape the long-term spectral
envelope, which cepstral coefficients summarise: :func:`piece_features` gives each piece the
mean and spread of 12 mel-cepstral coefficients (c1..c12, level-free: c0 is left out) over
its speech frames, in the telephone band (100-3800 Hz, so a 16 kHz visit and an 8 kHz call
are read alike). :func:`augment` z-scores them across the
recording's pieces (duration-weighted: each voice is compared with the others in the same call)
and appends them, scaled by ``weight``, to the unit embeddings. The embedded diarizer does so
on room recordings only (:func:`narrowband` tells a telephone recording; on the held-out mono
calls the features cost detections) and not where a voice is raised (:func:`raised`).

numpy and scipy only; one STFT of the recording (docs/conduct.md has the cost).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from pipelines.audio import SAMPLE_RATE, mel_filterbank

RATE = SAMPLE_RATE
NFFT = 512  # 32 ms
HOP = 160  # 10 ms
N_MELS = 32
N_CEPS = 12
BAND = (100.0, 3800.0)


@lru_cache(maxsize=1)
def _mel_dct() -> tuple[np.ndarray, np.ndarray]:
    from scipy.fft import dct

    freqs = np.fft.rfftfreq(NFFT, 1 / RATE)
    fb = mel_filterbank(freqs, BAND, N_MELS)
    basis = dct(np.eye(N_MELS), type=2, norm="ortho", axis=0)[1:N_CEPS + 1]  # (ceps, mels)
    return fb.astype(np.float32), basis.astype(np.float32)


@lru_cache(maxsize=1)
def _window() -> np.ndarray:
    return np.hanning(NFFT).astype(np.float32)


def cepstra(x16: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mel-cepstra c1..c12 of every 10 ms frame of a 16 kHz signal, which frames are speech, and
    each frame's level (dB)."""
    from scipy.fft import rfft

    y = np.asarray(x16, dtype=np.float32)
    n = max(0, 1 + (len(y) - NFFT) // HOP)
    if n == 0:
        return np.zeros((0, N_CEPS)), np.zeros(0, dtype=bool), np.zeros(0)
    frames = np.lib.stride_tricks.sliding_window_view(y, NFFT)[::HOP][:n]
    spectrum = rfft(frames * _window(), axis=1, workers=1)
    power = spectrum.real ** 2 + spectrum.imag ** 2
    fb, basis = _mel_dct()
    mel = power @ fb
    logmel = np.log(mel + 1e-10)
    db = 10 * np.log10(mel.sum(axis=1) + 1e-10)
    speech = db > np.percentile(db, 10) + 12
    return logmel @ basis.T, speech, db


def piece_features(x16: np.ndarray, pieces: list[tuple[float, float]]) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of c1..c12 over each piece's speech frames, ``(pieces, 24)``,
    and each piece's level against the recording's speech (dB, median of its speech frames)."""
    ceps, speech, db = cepstra(x16)
    out = np.zeros((len(pieces), 2 * N_CEPS))
    level = np.zeros(len(pieces))
    reference = float(np.median(db[speech])) if speech.any() else 0.0
    for index, (start, end) in enumerate(pieces):
        a, b = int(start * RATE / HOP), min(len(ceps), int(end * RATE / HOP))
        rows = speech[a:b] if speech[a:b].sum() >= 5 else np.ones(max(0, b - a), dtype=bool)
        if rows.any():
            out[index] = np.concatenate([ceps[a:b][rows].mean(axis=0), ceps[a:b][rows].std(axis=0)])
            level[index] = float(np.median(db[a:b][rows])) - reference
    return out, level


def narrowband(x16: np.ndarray, cutoff: float = 4000.0, floor_db: float = -30.0) -> bool:
    """Whether a 16 kHz signal holds (almost) nothing above ``cutoff``: a telephone recording
    (8 kHz at the source: the corpora's calls hold 56-65 dB less power there than in all, their
    room recordings 15-19 dB less)."""
    from scipy.signal import welch

    y = np.asarray(x16, dtype=np.float32)
    if len(y) < NFFT:
        return False
    freqs, power = welch(y, fs=RATE, nperseg=NFFT, noverlap=0)  # an average: no overlap needed
    total = float(power.sum())
    return total > 0 and float(power[freqs > cutoff].sum()) < total * 10 ** (floor_db / 10)


LOUD_DB = 6.0  # a piece this much over the recording's speech is a raised voice


def raised(level: np.ndarray | None, loud_db: float = LOUD_DB) -> bool:
    """Whether any piece is ``loud_db`` or more over the recording's speech (:func:`piece_features`'s
    ``level``): such a recording keeps its plain embeddings (see :func:`augment`)."""
    return level is not None and bool((np.asarray(level) >= loud_db).any())


def augment(embeddings: np.ndarray, features: np.ndarray, durations: np.ndarray, weight: float,
            level: np.ndarray | None = None, loud_db: float = LOUD_DB) -> np.ndarray:
    """Unit embeddings with the z-scored features appended (scaled so that all of them together
    weigh ``weight``), normalised to unit length again.

    A recording with a raised voice (a piece ``loud_db`` or more over the recording's speech,
    ``level``) keeps its embeddings as they are: shouting tilts the spectrum and clips it, so the
    shouted pieces' features pull them away from the shouter (on the tuning set, with them, the
    shouts of cm-004 and cv-004 went to the debtor and the raised-voice findings were lost).
    """
    from pipelines.diarization.embedding import unit

    if weight <= 0 or len(embeddings) < 2:
        return embeddings
    if raised(level, loud_db):
        return embeddings
    w = np.maximum(np.asarray(durations, dtype=np.float64), 1e-3)
    mean = np.average(features, axis=0, weights=w)
    spread = np.sqrt(np.average((features - mean) ** 2, axis=0, weights=w)) + 1e-6
    z = (features - mean) / spread
    return unit(np.concatenate([embeddings, weight * z / np.sqrt(z.shape[1])], axis=1)).astype(np.float32)
