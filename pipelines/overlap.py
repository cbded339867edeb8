"""Overlapped speech in a mono recording: where two people talk at once, and who started it.

The embedded diarizer gives every moment of a mono recording to one speaker, so a talk-over on
a mono call or a visit left no trace in the segments. This module finds it in the sound:

1. **Frame features** (:func:`frame_features`, 64 ms frames every 20 ms, the telephone band at
   8 kHz): a log-mel spectrum normalised by the recording's own speech, the level against the
   recording's speech, and a multi-pitch analysis: the salience of the strongest harmonic comb,
   and of the strongest *second* comb once the first one's harmonics are cancelled (two people
   speaking at once are two combs at unrelated pitches), how often the dominant pitch jumps,
   spectral flatness and flux; each also averaged over 60, 140 and 460 ms around the frame.
2. **A learned frame classifier** (gradient-boosted trees, ``pipelines/data/overlap/model.json``,
   evaluated in numpy by :class:`Trees`) gives each frame a probability of holding two voices.
   It was trained on simulated talk-overs with exact frame labels
   (``benchmarks/overlap_train/``): TTS lines of the development and held-out scripts, new
   voices, laid with known offsets and rendered through callsynth's telephone and far-field
   channels; never on a test set.
3. **Overlaps** (:func:`find_overlaps`): runs of frames whose smoothed probability goes over
   ``threshold``, extended while it stays over ``edge``, at least ``min_s`` long; one as loud as
   a shout is one clipped voice, not two (:func:`voice_overlaps`, ``max_level_db``).
4. **The diarizer's pieces are cut at overlaps** (:func:`split_at_overlaps`, called by the
   pipeline after clustering): a talk-over glues two voices without a pause, and on a telephone
   line their embeddings are often too close for the diarizer to split them.
5. **Who talked over whom** is :mod:`pipelines.talkover`'s question: the diarized turns around
   each overlap say it.

Cost: one STFT, a few matrix products and the trees, about 0.5 % of real time on one core
(docs/conduct.md has the measurement).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from pipelines.audio import mel_filterbank

RATE = 8000
HOP = 160  # 20 ms
FRAME_S = HOP / RATE
NFFT = 512  # 64 ms
BAND = (250.0, 3500.0)
N_MELS = 20
F0_MIN, F0_MAX, F0_STEP_ST = 70.0, 450.0, 0.25
HARMONICS = 12
CONTEXT = (3, 7, 23)  # frames averaged around each frame: 60, 140, 460 ms
MODEL = Path(__file__).resolve().parent / "data" / "overlap" / "model.json"


# --------------------------------------------------------------------------------------------
# Frame features
# --------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _tables() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Mel filters, harmonic-sum weights, harmonic masks and octave exclusions (computed once)."""
    freqs = np.fft.rfftfreq(NFFT, 1 / RATE)
    df = freqs[1]
    fb = mel_filterbank(freqs, BAND, N_MELS)
    f0 = F0_MIN * 2 ** (np.arange(0, 12 * np.log2(F0_MAX / F0_MIN), F0_STEP_ST) / 12)
    weights = np.zeros((len(freqs), len(f0)))
    masks = np.zeros((len(f0), len(freqs)), dtype=bool)
    for j, f in enumerate(f0):
        for h in range(1, 16):
            b = h * f / df
            if h * f < BAND[1] + 100:
                masks[j, max(0, int(round(b)) - 2):int(round(b)) + 3] = True
            if h > HARMONICS or not BAND[0] <= h * f <= BAND[1]:
                continue
            lo = int(np.floor(b))
            w = (f + 50) / (h * f + 200)  # Klapuri's harmonic weights
            weights[lo, j] += w * (1 - (b - lo))
            weights[lo + 1, j] += w * (b - lo)
    st = 12 * np.log2(f0[None, :] / f0[:, None])
    exclude = np.zeros((len(f0), len(f0)), dtype=bool)
    for k in (-12.0, 0.0, 12.0, 19.02, 24.0):  # the same voice's octave and twelfth
        exclude |= np.abs(st - k) < 0.75
    return fb, weights, masks, exclude, f0


def _frames(y: np.ndarray) -> np.ndarray:
    """Magnitude spectra of 64 ms Hann frames every 20 ms (frame i centred at i * 20 ms)."""
    from scipy.fft import rfft

    y = np.pad(y.astype(np.float32), (NFFT // 2, NFFT // 2))
    n = max(0, 1 + (len(y) - NFFT) // HOP)
    if n == 0:
        return np.zeros((0, NFFT // 2 + 1), np.float32)
    frames = np.lib.stride_tricks.sliding_window_view(y, NFFT)[::HOP][:n]
    return np.abs(rfft(frames * _window(), axis=1, workers=1))


@lru_cache(maxsize=1)
def _window() -> np.ndarray:
    return np.hanning(NFFT).astype(np.float32)


def _smooth(x: np.ndarray, size: int) -> np.ndarray:
    from scipy.ndimage import uniform_filter1d

    return uniform_filter1d(x, size=size, axis=0, mode="nearest")


SPEECH_OVER_FLOOR_DB = 12.0  # a frame this far over the recording's quietest tenth holds speech


def speech_mask(level_db: np.ndarray) -> np.ndarray:
    """Frames that hold speech, from their levels in dB (any reference): :data:`SPEECH_OVER_FLOOR_DB`
    over the recording's quietest tenth."""
    return level_db > np.percentile(level_db, 10) + SPEECH_OVER_FLOOR_DB


def frame_features(x16: np.ndarray) -> np.ndarray:
    """Features of every 20 ms frame of a mono 16 kHz signal: ``(frames, features)``."""
    from scipy.ndimage import maximum_filter1d
    from scipy.signal import resample_poly

    fb, weights, masks, exclude, f0 = _tables()
    y = resample_poly(np.asarray(x16, dtype=np.float32), 1, 2)
    S = _frames(y)
    if not len(S):
        return np.zeros((0, feature_count()), np.float32)
    power = S.astype(np.float64) ** 2
    band = power @ (fb > 0).any(axis=1).astype(np.float64)
    db = 10 * np.log10(band + 1e-10)
    speech = speech_mask(db)
    ref = np.median(db[speech]) if speech.any() else np.median(db)
    logmel = np.log10(power @ fb + 1e-10)
    logmel -= np.median(logmel[speech], axis=0) if speech.any() else np.median(logmel, axis=0)
    # multi-pitch: whitened peaks, harmonic sums, cancel the first comb, look for a second
    root = np.sqrt(S)
    white = np.maximum(root / (_smooth(root.T, 13).T + 1e-6) - 1.0, 0)
    scale = white.mean(axis=1) + 1e-3
    sal = maximum_filter1d(white, 3, axis=1) @ weights
    j1 = sal.argmax(axis=1)
    sal1 = sal[np.arange(len(sal)), j1]
    rest = maximum_filter1d(np.where(masks[j1], 0, white), 3, axis=1) @ weights
    rest[exclude[j1]] = 0
    j2 = rest.argmax(axis=1)
    sal2 = rest[np.arange(len(rest)), j2]
    pitch = 12 * np.log2(f0[j1] / 100)
    voiced = speech & (sal1 / scale > np.percentile(sal1 / scale, 50))
    jump = np.zeros(len(S))
    jump[1:] = (np.abs(np.diff(pitch)) > 1.5) & voiced[1:] & voiced[:-1]
    second = 12 * np.abs(np.log2(f0[j2] / f0[j1]))
    flat = np.exp(np.mean(np.log(power[:, 8:220] + 1e-10), axis=1)) / (np.mean(power[:, 8:220], axis=1) + 1e-10)
    flux = np.zeros(len(S))
    flux[1:] = np.sqrt(np.mean(np.diff(logmel, axis=0) ** 2, axis=1))
    base = np.column_stack([logmel, db - ref, speech, voiced, sal1 / scale, sal2 / scale,
                            sal2 / (sal1 + 1e-6), np.where(voiced, sal2 / (sal1 + 1e-6), 0), jump,
                            np.where(voiced, second, 0), flat, flux]).astype(np.float32)
    parts = [base] + [_smooth(base, size) for size in CONTEXT]
    parts.append(np.sqrt(np.maximum(_smooth(base ** 2, CONTEXT[-1]) - parts[-1] ** 2, 0)))
    parts.append(_smooth(speech.astype(np.float32)[:, None], 50))
    return np.concatenate(parts, axis=1).astype(np.float32)


def feature_count() -> int:
    base = N_MELS + 11
    return base * (2 + len(CONTEXT)) + 1


# --------------------------------------------------------------------------------------------
# The classifier (gradient-boosted trees exported to JSON; numpy inference)
# --------------------------------------------------------------------------------------------

def _path_matrix(t: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One tree's inner nodes, leaves and path matrix (+1: the path goes left at that split)."""
    leaf = np.array(t["leaf"], bool)
    inner = np.flatnonzero(~leaf)
    position = {int(n): k for k, n in enumerate(inner)}
    leaves = np.flatnonzero(leaf)
    paths = np.zeros((len(inner), len(leaves)), np.float32)

    def walk(node: int, path: list[tuple[int, float]]) -> None:
        if leaf[node]:
            column = int(np.searchsorted(leaves, node))
            for k, sign in path:
                paths[k, column] = sign
            return
        walk(int(t["left"][node]), path + [(position[node], 1.0)])
        walk(int(t["right"][node]), path + [(position[node], -1.0)])

    walk(0, [])
    return inner, leaves, paths


class Trees:
    """Boosted regression trees on the log-odds (exported by benchmarks/overlap_train/train.py).

    Evaluated without walking the trees: every split of every tree is tested at once (one
    gather and one comparison over all frames), then each tree finds its leaf with one small
    matrix product, the leaf whose path agrees with every test (the "path matrix" ``P`` holds
    +1 where the path goes left at a split, -1 where it goes right)."""

    def __init__(self, trees: list[dict], baseline: float, meta: dict | None = None):
        self.baseline = float(baseline)
        self.meta = meta or {}
        features, thresholds, missing, self._trees = [], [], [], []
        offset = 0
        for t in trees:
            inner, leaves, paths = _path_matrix(t)
            features += [int(t["feature"][n]) for n in inner]
            thresholds += [float(t["threshold"][n]) for n in inner]
            missing += [bool(t["missing_left"][n]) for n in inner]
            lengths = np.abs(paths).sum(axis=0)
            values = np.array(t["value"], np.float64)[leaves]
            self._trees.append((slice(offset, offset + len(inner)), paths, lengths, values))
            offset += len(inner)
        self._feature = np.array(features, np.int64)
        self._threshold = np.array(thresholds, np.float64)
        self._missing = np.array(missing, bool)

    @classmethod
    def from_json(cls, blob: dict) -> Trees:
        return cls(blob["trees"], blob["baseline"], blob.get("meta", {}))

    @property
    def max_feature(self) -> int:
        return int(self._feature.max(initial=0))

    def decision(self, X: np.ndarray) -> np.ndarray:
        """Raw scores (log-odds) for the rows of ``X``."""
        out = np.full(len(X), self.baseline)
        if not len(X):
            return out
        values = X[:, self._feature]
        left = np.where(np.isnan(values), self._missing, values <= self._threshold)
        signs = np.where(left, np.float32(1), np.float32(-1))
        for columns, paths, lengths, leaf_values in self._trees:
            if not paths.shape[0]:  # a single leaf
                out += leaf_values[0]
                continue
            out += leaf_values[np.argmax(signs[:, columns] @ paths - lengths, axis=1)]
        return out

    def probability(self, X: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.exp(-self.decision(X)))


@lru_cache(maxsize=2)
def load_model(path: str | None = None) -> Trees:
    return Trees.from_json(json.loads(Path(path or MODEL).read_text(encoding="utf-8")))


_LAST: tuple[tuple, np.ndarray, np.ndarray] | None = None  # the last recording's (key, probability, level)


def _key(x16: np.ndarray, model: Trees | None) -> tuple:
    return (len(x16), hash(x16[:: max(1, len(x16) // 997)].tobytes()), id(model))


def overlap_probability(x16: np.ndarray, model: Trees | None = None) -> np.ndarray:
    """Probability that each 20 ms frame (:data:`FRAME_S`) holds two voices.

    The last recording's answer is kept: the pipeline asks twice (to split the diarizer's
    pieces, then to measure the talk-overs)."""
    global _LAST
    x16 = np.asarray(x16, dtype=np.float32)
    key = _key(x16, model)
    if _LAST is not None and _LAST[0] == key:
        return _LAST[1]
    X = frame_features(x16)
    probability = (model or load_model()).probability(X) if len(X) else np.zeros(0)
    _LAST = (key, probability, X[:, N_MELS].astype(np.float64) if len(X) else np.zeros(0))
    return probability


def frame_level(x16: np.ndarray, model: Trees | None = None) -> np.ndarray:
    """Level of each 20 ms frame in the telephone band, in dB over the recording's speech
    (the frame feature the classifier sees; kept from :func:`overlap_probability`'s last call)."""
    x16 = np.asarray(x16, dtype=np.float32)
    if _LAST is not None and _LAST[0] == _key(x16, model):
        return _LAST[2]
    X = frame_features(x16)
    return X[:, N_MELS].astype(np.float64) if len(X) else np.zeros(0)


# --------------------------------------------------------------------------------------------
# Overlaps and who started them
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Overlap:
    """Two voices at once from ``start`` to ``end`` (seconds); ``score``: mean probability."""

    start: float
    end: float
    score: float

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass
class OverlapOptions:
    """Settings of the detector (the rule pack judges the talk-overs it yields)."""

    threshold: float = 0.5  # smoothed frame probability that counts as two voices
    # an overlap's extent: from where the smoothed probability rises over this to where it
    # falls under it again, around frames over ``threshold``
    edge: float = 0.25
    smooth_s: float = 0.2  # moving average of the probabilities
    min_s: float = 0.4  # shorter runs are not reported
    bridge_s: float = 0.2  # gaps shorter than this inside a run are closed
    # who started over whom (pipelines.talkover.attribute):
    context_s: float = 1.5  # how far after an overlap a change of party is looked for
    # a turn that the diarizer begins after the overlap's end counts only when nothing but the
    # other party's speech comes between (no silence this long in the sound): the interrupter's
    # first words are often given to the party they talked over or not recognised; a reply after
    # a pause is no talk-over (a pause as the pipeline cuts turns: 0.6 s)
    pause_s: float = 0.6
    # the diarizer may begin the interrupter's turn up to this long before the overlap (its
    # change point often falls early: the words said over someone are dropped)
    lead_s: float = 2.0
    # the talked-over party's last recognised word may be this long before the overlap (the
    # recogniser drops words said over someone, and often the few before)
    silent_s: float = 3.0
    # an overlap between two collector speakers, the one before it saying the other party's words
    # (pipelines.roles.collector_score), is a talk-over by the one after it (the diarizer gave
    # the debtor's lines to a collector's voice; pipelines.talkover.attribute)
    party_words: bool = True
    # a turn that begins before the overlap's end after this long a silence in the sound since
    # the other party's last segment is a reply, not a talk-over (the overlap heard in it is the
    # other party's interjection or none); the talked-over lines of the conduct sets pause for
    # at most 0.66 s before the interrupter's first word. None: no such check
    reply_s: float | None = 0.75
    # ... where another speaker's recognised pieces shorter than this between one speaker's
    # segments are stepped over (a word split across the change of voice)
    fragment_s: float = 0.3
    min_side_s: float = 0.8  # a diarizer piece is cut at an overlap leaving at least this on each side
    # an overlap whose frames are this loud over the recording's speech (median) is a shout, not
    # two people: a clipped voice has partials the multi-pitch features read as a second voice.
    # Two voices at once are a few dB over one (on the tuning set: real overlaps at most +5.9 dB,
    # shouts read as two voices at least +7.1 dB); None keeps every overlap
    max_level_db: float | None = 6.5


def find_overlaps(probability: np.ndarray, options: OverlapOptions | None = None) -> list[Overlap]:
    """Runs of frames whose smoothed probability of two voices stays over the threshold."""
    options = options or OverlapOptions()
    if not len(probability):
        return []
    smooth = _smooth(probability.astype(np.float64), max(1, round(options.smooth_s / FRAME_S)))
    core = smooth >= options.threshold
    mask = np.zeros(len(smooth), dtype=bool)
    for a, b in runs(smooth >= min(options.edge, options.threshold)):
        if core[a:b].any():
            mask[a:b] = True
    bridge = round(options.bridge_s / FRAME_S)
    out: list[Overlap] = []
    for a, b in runs(mask):
        if out and a * FRAME_S - out[-1].end <= bridge * FRAME_S:
            prev = out.pop()
            a = round(prev.start / FRAME_S)
        out.append(Overlap(round(a * FRAME_S, 2), round(b * FRAME_S, 2), float(smooth[a:b].mean())))
    return [o for o in out if o.duration >= options.min_s]


def voice_overlaps(x16: np.ndarray, options: OverlapOptions | None = None,
                   model: Trees | None = None) -> list[Overlap]:
    """The overlaps of a mono recording, less those loud enough to be one shouting voice
    (``max_level_db``)."""
    options = options or OverlapOptions()
    found = find_overlaps(overlap_probability(x16, model), options)
    if options.max_level_db is None or not found:
        return found
    level = frame_level(x16, model)
    keep = []
    for o in found:
        frames = level[round(o.start / FRAME_S):round(o.end / FRAME_S)]
        if not len(frames) or float(np.median(frames)) < options.max_level_db:
            keep.append(o)
    return keep


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """``[start, end)`` frame ranges where ``mask`` holds."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def split_at_overlaps(x16: np.ndarray, pieces: list[tuple[float, float]], embeddings: np.ndarray,
                      labels: np.ndarray, options: OverlapOptions | None = None
                      ) -> tuple[list[tuple[float, float]], np.ndarray]:
    """Cut the diarizer's pieces where two voices overlap, and give each part its nearest voice.

    A talk-over joins two voices without a pause, so the voice activity detector makes one piece
    of both; on a telephone line the speaker embeddings of the two sides are often too close for
    the change-point search to split it, and the whole piece goes to one speaker. A piece is cut
    at the start of an overlap found inside it (at least ``min_side_s`` of the piece on each
    side, no piece boundary within half a second of the overlap): the part before is the voice
    that was talked over, the part from the overlap on the one who started. Each part takes the
    label of the nearest speaker (duration-weighted mean embedding of the pieces that were not
    cut); the other pieces keep theirs, so the rest of the diarization does not move.

    Returns:
        The pieces (cut ones replaced by their parts, in order) and their labels.
    """
    options = options or OverlapOptions()
    labels = np.asarray(labels)
    if len(pieces) < 2 or len(np.unique(labels)) < 2:
        return pieces, labels
    found = voice_overlaps(x16, options)
    edges = [e for piece in pieces for e in piece]
    parts: dict[int, list[tuple[float, float]]] = {}
    for index, (start, end) in enumerate(pieces):
        cuts = [o.start for o in found if start + options.min_side_s <= o.start and o.end <= end - options.min_side_s
                and not any(o.start - 0.5 < e < o.end + 0.5 for e in edges)]
        if cuts:
            bounds = [start, *cuts, end]
            parts[index] = list(zip(bounds, bounds[1:]))
    if not parts:
        return pieces, labels
    from pipelines.diarization.embedding import embed_windows, unit

    kept = np.array([i not in parts for i in range(len(pieces))])
    durations = np.array([end - start for start, end in pieces])
    names = np.unique(labels)

    voices = unit(embeddings[:, :256])  # the GE2E part (the diarizer may append voice features)

    def centroid(name: int) -> np.ndarray:
        mask = labels == name
        mask = mask & kept if (mask & kept).any() else mask  # a voice heard only in cut pieces keeps them
        return unit(np.average(voices[mask], axis=0, weights=durations[mask]))

    centroids = np.stack([centroid(n) for n in names])
    flat = [part for index in sorted(parts) for part in parts[index]]
    vectors = np.stack([unit(w.mean(axis=0)) for w in embed_windows(x16, flat)])
    chosen = iter(names[np.argmax(vectors @ centroids.T, axis=1)].tolist())
    out_pieces: list[tuple[float, float]] = []
    out_labels: list[int] = []
    for index, piece in enumerate(pieces):
        for part in parts.get(index, [piece]):
            out_pieces.append(part)
            out_labels.append(next(chosen) if index in parts else int(labels[index]))
    return out_pieces, np.array(out_labels, dtype=labels.dtype)
