"""Speaker diarization: who spoke when in a mono recording.

Two engines behind one small Protocol, picked by name with :func:`get_diarizer`:

* ``embedded`` (:class:`EmbeddedDiarizer`, the default) runs offline with weights that ship
  inside pip packages: Silero VAD (the ONNX file in ``faster_whisper/assets``) finds speech,
  the speech is cut at pauses into turn-sized pieces (long pieces are split again where the
  voice changes), each piece gets a Resemblyzer GE2E embedding, and the pieces are clustered
  on cosine distance. The speaker count comes from the caller (the manifest) or is estimated.
* ``pyannote`` (:class:`PyannoteDiarizer`) wraps a ``pyannote.audio`` pipeline, an optional
  extra whose weights come from a token-gated hub or a local pipeline directory.

Stereo calls need none of this: each channel is one party, and :func:`speech_regions` (the
same VAD) finds the speech on each channel.

All engines take mono float32 audio at 16 kHz and return :class:`Turn` objects labelled
``S0``, ``S1``, ... in order of first appearance.
"""

from __future__ import annotations

import importlib
import inspect
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from pipelines.registry import Registry

SAMPLE_RATE = 16000
PYANNOTE_EXTRA = "pip install 'callaudit[pyannote]'"
DEFAULT_PYANNOTE_PIPELINE = "pyannote/speaker-diarization-3.1"


class DiarizationError(RuntimeError):
    """A diarizer cannot run; the message says why and what to do."""


@dataclass(frozen=True)
class Turn:
    """One stretch of speech by one speaker (seconds from the start of the recording)."""

    start: float
    end: float
    speaker: str

    @property
    def duration(self) -> float:
        return self.end - self.start


class Diarizer(Protocol):
    """What every diarization engine offers."""

    name: str

    def diarize(self, audio: np.ndarray, *, num_speakers: int | None = None,
                min_speakers: int = 1, max_speakers: int = 6) -> list[Turn]:
        """Label who spoke when in ``audio`` (mono float32, 16 kHz)."""
        ...


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


# --------------------------------------------------------------------------------------------
# Voice activity detection
# --------------------------------------------------------------------------------------------

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
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    audio = np.ascontiguousarray(audio, dtype=np.float32).reshape(-1)
    if audio.size < 512:
        return []
    options = VadOptions(threshold=threshold, neg_threshold=neg_threshold,
                         min_silence_duration_ms=min_silence_ms, min_speech_duration_ms=min_speech_ms,
                         speech_pad_ms=pad_ms)
    stamps = get_speech_timestamps(audio, options, sampling_rate=SAMPLE_RATE)
    return [(s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE) for s in stamps if s["end"] > s["start"]]


# --------------------------------------------------------------------------------------------
# Speaker embeddings (Resemblyzer GE2E)
# --------------------------------------------------------------------------------------------

_ENCODER: Any = None
_ENCODER_LOCK = threading.Lock()


def voice_encoder() -> Any:
    """The Resemblyzer encoder, loaded once per process (its weights ship in the wheel)."""
    global _ENCODER
    with _ENCODER_LOCK:
        if _ENCODER is None:
            try:
                import warnings

                with warnings.catch_warnings():  # webrtcvad's pkg_resources import warns on every run
                    warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
                    from resemblyzer import VoiceEncoder
            except ImportError as exc:  # pragma: no cover - a broken install
                raise DiarizationError(
                    f"the embedded diarizer needs resemblyzer ({exc}); run `pip install resemblyzer` "
                    "with setuptools<81 (its webrtcvad import uses pkg_resources)"
                ) from exc
            _ENCODER = VoiceEncoder("cpu", verbose=False)
    return _ENCODER


def _normalize(wav: np.ndarray, target_dbfs: float = -30.0) -> np.ndarray:
    # Resemblyzer's mel spectrogram is not log-scaled, so loudness changes the embedding;
    # bring every piece to the level the encoder was trained on (-30 dBFS).
    rms = float(np.sqrt(np.mean(np.square(wav, dtype=np.float64))))
    if rms < 1e-6:
        return wav
    return (wav * (10 ** (target_dbfs / 20) / rms)).astype(np.float32)


def embed_windows(audio: np.ndarray, spans: list[tuple[float, float]], *,
                  window_s: float = 1.6, step_s: float = 0.8, threads: int | None = 1) -> list[np.ndarray]:
    """Partial (window-level) GE2E embeddings for each span, in one batched forward pass.

    Each span is cut into windows of 1.6 s (the encoder's training length) every ``step_s``;
    a span shorter than a window gives one zero-padded window. ``threads`` caps torch's
    intra-op threads for the call (restored afterwards): the small LSTM batch gains nothing
    from more, and on a shared 2-core machine extra spinning threads made it 5x slower.

    Returns:
        One ``(n_windows, 256)`` array per span, rows L2-normalised.
    """
    import torch

    encoder = voice_encoder()  # first: it imports resemblyzer with webrtcvad's pkg_resources warning silenced
    from resemblyzer.audio import wav_to_mel_spectrogram
    frames_per_window = round(window_s * 100)  # 10 ms mel hop
    frame_step = max(1, round(step_s * 100))
    batch: list[np.ndarray] = []
    owners: list[int] = []
    for index, (start, end) in enumerate(spans):
        wav = _normalize(audio[int(start * SAMPLE_RATE):int(end * SAMPLE_RATE)])
        mel = wav_to_mel_spectrogram(wav)
        if len(mel) < frames_per_window:
            mel = np.pad(mel, ((0, frames_per_window - len(mel)), (0, 0)))
        last = len(mel) - frames_per_window
        starts = list(range(0, last + 1, frame_step))
        if last - starts[-1] > frame_step // 2:  # cover the tail of the span too
            starts.append(last)
        for s in starts:
            batch.append(mel[s:s + frames_per_window])
            owners.append(index)
    out: list[list[np.ndarray]] = [[] for _ in spans]
    if batch:
        previous = torch.get_num_threads()
        if threads:
            torch.set_num_threads(threads)
        try:
            with torch.no_grad():
                vectors = encoder(torch.from_numpy(np.stack(batch)).float()).numpy()
        finally:
            torch.set_num_threads(previous)
        for owner, vector in zip(owners, vectors):
            out[owner].append(vector)
    return [np.stack(v) if v else np.zeros((0, 256), np.float32) for v in out]


def _unit(v: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.maximum(norm, 1e-9)


# --------------------------------------------------------------------------------------------
# Embedded diarizer
# --------------------------------------------------------------------------------------------

@dataclass
class EmbeddedOptions:
    """Settings of the embedded diarizer.

    Attributes:
        vad_threshold: Silero speech probability that starts speech.
        min_silence_ms: a pause this long separates two pieces (see :func:`speech_regions`).
        min_speech_ms: shorter VAD regions are ignored.
        pad_ms: VAD padding on each side of a region.
        max_piece_s: a piece longer than this is searched for a change of voice.
        change_threshold: cosine distance between the mean voices on both sides of a split
            point above which a long piece is split.
        min_side_s: the shortest stretch a change-point split may leave on either side.
        cluster_min_s: pieces shorter than this do not shape the clusters (their embedding is
            noisy); they are assigned to the nearest speaker afterwards.
        single_distance: when the count is estimated, pieces all closer than this cosine
            distance are one speaker (see :func:`estimate_count`).
        merge_gap_s: consecutive pieces of one speaker closer than this become one turn.
        center: subtract the recording's mean embedding before clustering (removes what all
            voices share; off by default because a dominant speaker drags the mean).
        linkage: clustering method, see :func:`cluster_embeddings`.
        window_step_s: hop between the 1.6 s embedding windows inside a piece.
        refine: k-means refinement of the clusters (see :func:`cluster_embeddings`).
    """

    vad_threshold: float = 0.5
    min_silence_ms: int = 250
    min_speech_ms: int = 200
    pad_ms: int = 80
    max_piece_s: float = 5.0
    change_threshold: float = 0.25
    min_side_s: float = 1.2
    cluster_min_s: float = 1.0
    single_distance: float = 0.3
    merge_gap_s: float = 1.0
    center: bool = False
    linkage: str = "ward"
    window_step_s: float = 0.8
    refine: bool = True


Hook = Callable[..., None]


@dataclass
class EmbeddedDiarizer:
    """VAD + GE2E embeddings + clustering; fully offline.

    Args:
        options: tuning knobs (:class:`EmbeddedOptions`).
        hook: optional progress callback ``hook(step_name, artifact)`` called after each stage
            (``"speech"``, ``"pieces"``, ``"embeddings"``, ``"labels"``), for logging and tests.
    """

    options: EmbeddedOptions = field(default_factory=EmbeddedOptions)
    hook: Hook | None = None
    name: str = "embedded"

    def load(self) -> None:
        """Load the models now (the first diarization would otherwise pay for it)."""
        from faster_whisper.vad import get_vad_model

        get_vad_model()
        voice_encoder()

    def _emit(self, step: str, artifact: Any) -> None:
        if self.hook is not None:
            self.hook(step, artifact)

    def diarize(self, audio: np.ndarray, *, num_speakers: int | None = None,
                min_speakers: int = 1, max_speakers: int = 6) -> list[Turn]:
        """Label who spoke when.

        Args:
            audio: mono float32 samples at 16 kHz.
            num_speakers: the known speaker count (from the manifest); ``None`` estimates it
                between ``min_speakers`` and ``max_speakers``.

        Returns:
            Turns sorted by start, labelled ``S0``, ``S1``, ... in order of first appearance.
        """
        audio = _mono_input(audio)
        if num_speakers is not None and num_speakers < 1:
            raise DiarizationError(f"num_speakers must be at least 1, got {num_speakers}")
        if min_speakers < 1 or max_speakers < min_speakers:
            raise DiarizationError(
                f"speaker bounds min_speakers={min_speakers}, max_speakers={max_speakers} are invalid; "
                "need 1 <= min_speakers <= max_speakers"
            )
        pieces, embeddings = self.pieces(audio)
        if not pieces:
            return []
        opts = self.options
        durations = np.array([end - start for start, end in pieces])
        labels = cluster_embeddings(embeddings, durations, num_speakers=num_speakers,
                                    min_speakers=min_speakers, max_speakers=max_speakers,
                                    min_duration=opts.cluster_min_s, single_distance=opts.single_distance,
                                    linkage=opts.linkage, refine=opts.refine)
        self._emit("labels", labels)
        return to_turns(pieces, labels, merge_gap=opts.merge_gap_s)

    def pieces(self, audio: np.ndarray) -> tuple[list[tuple[float, float]], np.ndarray]:
        """Cut the speech into single-speaker pieces and embed each one (no clustering yet).

        The pipeline clusters these itself when it decides speakers and roles together
        (:mod:`pipelines.speakers`); :meth:`diarize` clusters them on the voice alone.

        Returns:
            ``(start, end)`` pieces in seconds and one unit-length GE2E embedding per piece.
        """
        audio = _mono_input(audio)
        opts = self.options
        regions = speech_regions(audio, threshold=opts.vad_threshold, min_silence_ms=opts.min_silence_ms,
                                 min_speech_ms=opts.min_speech_ms, pad_ms=opts.pad_ms)
        self._emit("speech", regions)
        if not regions:
            return [], np.zeros((0, 256), np.float32)
        pieces = self._split_long(audio, regions)
        self._emit("pieces", pieces)
        windows = embed_windows(audio, pieces, step_s=opts.window_step_s)
        embeddings = np.stack([_unit(w.mean(axis=0)) for w in windows])
        durations = np.array([end - start for start, end in pieces])
        if opts.center and len(pieces) > 2:
            embeddings = embeddings - np.average(embeddings, axis=0, weights=durations)
        embeddings = _unit(embeddings)
        self._emit("embeddings", embeddings)
        return pieces, embeddings

    def _split_long(self, audio: np.ndarray, regions: list[tuple[float, float]]) -> list[tuple[float, float]]:
        """Split regions longer than ``max_piece_s`` where the voice changes (binary segmentation)."""
        opts = self.options
        long_spans = [r for r in regions if r[1] - r[0] > opts.max_piece_s]
        if not long_spans:
            return list(regions)
        step = 0.2
        windows = dict(zip(long_spans, embed_windows(audio, long_spans, step_s=step)))
        pieces: list[tuple[float, float]] = []
        for region in regions:
            if region not in windows:
                pieces.append(region)
                continue
            for lo, hi in _change_points(windows[region], step=step, window_s=1.6,
                                         min_side_s=opts.min_side_s, threshold=opts.change_threshold):
                start = region[0] + lo
                end = min(region[1], region[0] + hi) if hi is not None else region[1]
                pieces.append((start, end))
        return pieces


def _mono_input(audio: np.ndarray) -> np.ndarray:
    audio = np.ascontiguousarray(audio, dtype=np.float32)
    if audio.ndim != 1:
        raise DiarizationError(
            f"the embedded diarizer takes mono audio, got shape {audio.shape}; mix down with "
            "Audio.mono() or split a stereo call by channel"
        )
    return audio


def _change_points(windows: np.ndarray, *, step: float, window_s: float, min_side_s: float,
                   threshold: float) -> list[tuple[float, float | None]]:
    """Recursively split a window sequence where the mean voice left and right differ most.

    Window ``i`` covers ``[i*step, i*step + window_s)``. A split at time ``t`` compares the
    windows that end before ``t`` with those that start after it, so neither side mixes voices.

    Returns:
        ``(start, end)`` offsets in seconds within the region; the last end is ``None`` (the
        region's end).
    """
    span_windows = round(window_s / step)

    def split(lo: int, hi: int) -> list[int]:
        # lo..hi are window indices; a boundary at window index b means time b*step + window_s/2
        best, best_b = -1.0, None
        min_side = max(1, round(min_side_s / step))
        for b in range(lo + min_side, hi - min_side + 1):
            left = windows[lo:max(lo + 1, b - span_windows // 2)]
            right = windows[min(hi - 1, b + span_windows // 2):hi]
            if len(left) == 0 or len(right) == 0:
                continue
            distance = 1.0 - float(_unit(left.mean(axis=0)) @ _unit(right.mean(axis=0)))
            if distance > best:
                best, best_b = distance, b
        if best_b is None or best < threshold:
            return []
        return split(lo, best_b) + [best_b] + split(best_b, hi)

    bounds = split(0, len(windows))
    times = [b * step + window_s / 2 for b in bounds]
    edges: list[float | None] = [0.0, *times, None]
    return [(float(edges[i]), edges[i + 1]) for i in range(len(edges) - 1)]  # type: ignore[arg-type]


def anchor_pieces(durations: np.ndarray, min_duration: float) -> np.ndarray:
    """Indices of the pieces long enough to shape the clusters (all of them when fewer than two are)."""
    anchors = np.flatnonzero(np.asarray(durations) >= min_duration)
    return anchors if len(anchors) >= 2 else np.arange(len(durations))


def cluster_embeddings(embeddings: np.ndarray, durations: np.ndarray, *, num_speakers: int | None,
                       min_speakers: int = 1, max_speakers: int = 6, min_duration: float = 1.0,
                       single_distance: float = 0.3, linkage: str = "ward",
                       refine: bool = True) -> np.ndarray:
    """Group piece embeddings by speaker.

    Pieces of at least ``min_duration`` seconds are clustered (a handful to a few hundred
    pieces per call, where agglomerative clustering is exact and fast); the count is
    ``num_speakers`` when known, else :func:`estimate_count`. Centroids are then refined
    k-means style (duration-weighted) and every piece, short ones included, takes the
    nearest centroid.

    Args:
        linkage: ``"ward"`` (Euclidean on the unit vectors; the default: on the development
            corpus it separated two similar collector voices best), ``"average"``,
            ``"complete"`` or ``"single"`` (cosine), or ``"spectral"`` (see
            :func:`spectral_labels`).

    Returns:
        One integer label per piece.
    """
    n = len(embeddings)
    if n == 0:
        return np.zeros(0, dtype=int)
    anchors = anchor_pieces(durations, min_duration)
    if num_speakers is not None:
        k = num_speakers
    else:
        k = estimate_count(embeddings[anchors], min_speakers=min_speakers, max_speakers=max_speakers,
                           single_distance=single_distance)
    k = max(1, min(k, len(anchors)))
    if k == 1:
        return np.zeros(n, dtype=int)
    if linkage == "spectral":
        anchor_labels = spectral_labels(embeddings[anchors], k)
    else:
        from sklearn.cluster import AgglomerativeClustering

        if linkage == "ward":  # Euclidean on unit vectors orders pairs like cosine does
            model = AgglomerativeClustering(n_clusters=k, linkage="ward")
        else:
            model = AgglomerativeClustering(n_clusters=k, metric="cosine", linkage=linkage)
        anchor_labels = model.fit_predict(embeddings[anchors])
    centroids = _centroids(embeddings[anchors], durations[anchors], anchor_labels, k)
    for _ in range(5 if refine else 0):  # k-means refinement: agglomerative merges are greedy and cannot undo
        new = np.argmax(embeddings[anchors] @ centroids.T, axis=1)
        if np.array_equal(new, anchor_labels) or len(np.unique(new)) < k:
            break
        anchor_labels = new
        centroids = _centroids(embeddings[anchors], durations[anchors], anchor_labels, k)
    labels = np.argmax(embeddings @ centroids.T, axis=1)
    labels[anchors] = anchor_labels
    return labels


def pruned_affinity(embeddings: np.ndarray, neighbours: int | None = None) -> np.ndarray:
    """Cosine affinity keeping only each piece's closest neighbours (then symmetrised).

    Turn embeddings of one speaker are close to their nearest neighbours but a speaker's
    spread can exceed the gap between two similar voices; pruning keeps the local structure
    that spectral clustering needs and drops the misleading far-field similarities.
    """
    n = len(embeddings)
    similarity = np.clip(embeddings @ embeddings.T, 0.0, 1.0)
    if neighbours is None:
        neighbours = max(2, int(np.ceil(0.25 * n)))
    neighbours = min(neighbours, n - 1)
    affinity = np.zeros_like(similarity)
    for i in range(n):
        order = np.argsort(-similarity[i])
        order = order[order != i][:neighbours]
        affinity[i, order] = similarity[i, order]
    return (affinity + affinity.T) / 2


def _laplacian_spectrum(affinity: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    degree = affinity.sum(axis=1)
    inv = 1.0 / np.sqrt(np.maximum(degree, 1e-9))
    laplacian = np.eye(len(affinity)) - inv[:, None] * affinity * inv[None, :]
    return np.linalg.eigh(laplacian)


def spectral_labels(embeddings: np.ndarray, k: int) -> np.ndarray:
    """Spectral clustering (normalised Laplacian of the pruned affinity) into ``k`` groups."""
    from sklearn.cluster import KMeans

    _, vectors = _laplacian_spectrum(pruned_affinity(embeddings))
    rows = _unit(vectors[:, :k])
    return KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(rows)


def _centroids(embeddings: np.ndarray, weights: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    return _unit(np.stack([(embeddings[labels == c] * weights[labels == c, None]).sum(axis=0)
                           for c in range(k)]))


def estimate_count(embeddings: np.ndarray, *, min_speakers: int = 1, max_speakers: int = 6,
                   single_distance: float = 0.3, margin: float = 0.03) -> int:
    """Estimate how many voices a set of piece embeddings holds.

    One voice when every pair of pieces is closer than ``single_distance`` (cosine); else
    the smallest count in ``[min_speakers, max_speakers]`` whose Ward clustering has a
    silhouette within ``margin`` of the best. (A fixed distance threshold or the eigengap mis-counted more often on the
    development corpus, where the voices differ little.)
    """
    n = len(embeddings)
    if n < 2:
        return 1
    distances = 1.0 - embeddings @ embeddings.T
    if min_speakers <= 1 and float(distances.max()) < single_distance:
        return 1
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.metrics import silhouette_score

    scores: dict[int, float] = {}
    for k in range(max(2, min_speakers), min(max_speakers, n - 1) + 1):
        labels = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(embeddings)
        scores[k] = float(silhouette_score(embeddings, labels, metric="cosine"))
    if not scores:  # too few pieces to compare counts: two pieces, two voices
        return max(1, min(max_speakers, max(2, min_speakers), n))
    best = max(scores.values())
    # Parsimony: silhouettes of neighbouring counts are often within noise of each other,
    # and an extra phantom speaker costs more than a missed one that the manifest can supply.
    return min(k for k, score in scores.items() if score >= best - margin)


def speaker_names(pieces: list[tuple[float, float]], labels: np.ndarray) -> dict[int, str]:
    """Cluster label -> ``S0``, ``S1``, ... in order of the speaker's first piece."""
    names: dict[int, str] = {}
    for _, label in sorted(zip(pieces, np.asarray(labels).tolist()), key=lambda p: p[0][0]):
        names.setdefault(label, f"S{len(names)}")
    return names


def to_turns(pieces: list[tuple[float, float]], labels: np.ndarray, *, merge_gap: float) -> list[Turn]:
    """Name speakers by first appearance and merge a speaker's consecutive pieces."""
    names = speaker_names(pieces, labels)
    turns: list[Turn] = []
    for (start, end), label in sorted(zip(pieces, np.asarray(labels).tolist()), key=lambda p: p[0][0]):
        speaker = names[label]
        if turns and turns[-1].speaker == speaker and start - turns[-1].end <= merge_gap:
            turns[-1] = Turn(turns[-1].start, max(end, turns[-1].end), speaker)
        else:
            turns.append(Turn(round(start, 3), round(end, 3), speaker))
    return turns


# --------------------------------------------------------------------------------------------
# pyannote.audio adapter
# --------------------------------------------------------------------------------------------

class PyannoteDiarizer:
    """Adapter around a ``pyannote.audio`` speaker-diarization pipeline (optional extra).

    Args:
        model: a hub pipeline name (needs ``token``) or a local pipeline directory / its
            ``config.yaml`` (works offline when the directory holds the weights).
        token: Hugging Face token; defaults to ``$HF_TOKEN`` / ``$PYANNOTE_TOKEN``.
        device: ``"cuda"`` / ``"cpu"``; default CUDA when available.
        pipeline: an already-built pipeline (any callable with pyannote's call signature);
            skips loading, for tests and for callers that manage the model themselves.
        hook: passed to the pipeline call as ``hook=`` (pyannote's progress hook).
    """

    name = "pyannote"

    def __init__(self, model: str = DEFAULT_PYANNOTE_PIPELINE, *, token: str | None = None,
                 device: str | None = None, pipeline: Any = None, hook: Hook | None = None) -> None:
        self.model = str(model)
        self.token = token or os.environ.get("HF_TOKEN") or os.environ.get("PYANNOTE_TOKEN")
        self.device = device
        self.hook = hook
        self._pipeline = pipeline

    def load(self) -> Any:
        """Build the pyannote pipeline once (lazily: pyannote.audio is heavy and optional)."""
        if self._pipeline is None:
            self._pipeline = self._from_pretrained()
        return self._pipeline

    def _from_pretrained(self) -> Any:
        try:
            Pipeline = importlib.import_module("pyannote.audio").Pipeline
        except ImportError as exc:
            raise DiarizationError(
                f"--diarizer pyannote needs pyannote.audio, which is not installed ({exc}); install the "
                f"extra with `{PYANNOTE_EXTRA}` and give either a Hugging Face token (--hf-token or "
                "$HF_TOKEN, after accepting the model's terms) or a local pipeline directory; "
                "or use the offline default --diarizer embedded"
            ) from exc
        source = self.model
        local = Path(self.model)
        is_local = local.exists()
        if not is_local and not self.token:
            raise DiarizationError(
                f"pyannote pipeline {self.model!r} is not a local directory, and no token was given; "
                "pass a Hugging Face token (--hf-token or $HF_TOKEN) for a hub pipeline, or point "
                "the model at a local pipeline directory holding config.yaml and the weights"
            )
        params = inspect.signature(Pipeline.from_pretrained).parameters
        modern = "token" in params  # pyannote.audio 4.x; 3.x calls it use_auth_token
        if is_local and local.is_dir() and not modern:
            # pyannote.audio 3.x loads a local pipeline from its config.yaml file, not a folder
            if not (local / "config.yaml").is_file():
                raise DiarizationError(f"{local}: no config.yaml; a local pyannote pipeline directory needs one")
            source = str(local / "config.yaml")
        kwargs: dict[str, Any] = {}
        if self.token:
            kwargs["token" if modern else "use_auth_token"] = self.token
        try:
            pipeline = Pipeline.from_pretrained(source, **kwargs)
        except Exception as exc:  # hub/network/auth errors come in many types
            raise DiarizationError(
                f"could not load pyannote pipeline {self.model!r}: {exc}; check the token and that its "
                "terms were accepted on the hub, or use a local pipeline directory"
            ) from exc
        if pipeline is None:  # 3.x returns None instead of raising on a gated model
            raise DiarizationError(
                f"pyannote returned no pipeline for {self.model!r}; the token is missing or lacks access "
                "(accept the model's terms on the hub), or use a local pipeline directory"
            )
        return pipeline.to(self._torch_device())

    def _torch_device(self) -> Any:
        import torch

        if self.device:
            return torch.device(self.device)
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")

    def diarize(self, audio: np.ndarray, *, num_speakers: int | None = None,
                min_speakers: int = 1, max_speakers: int = 6) -> list[Turn]:
        """Run the pipeline on ``audio`` (mono float32, 16 kHz) and convert its annotation."""
        import torch

        audio = np.ascontiguousarray(audio, dtype=np.float32)
        if audio.ndim != 1:
            raise DiarizationError(f"diarize() takes mono audio, got shape {audio.shape}")
        pipeline = self.load()
        kwargs: dict[str, Any] = {}
        if num_speakers is not None:
            kwargs["num_speakers"] = num_speakers
        else:
            kwargs["min_speakers"] = min_speakers
            kwargs["max_speakers"] = max_speakers
        if self.hook is not None:
            kwargs["hook"] = self.hook
        output = pipeline({"waveform": torch.from_numpy(audio)[None], "sample_rate": SAMPLE_RATE}, **kwargs)
        return annotation_to_turns(output)


def annotation_to_turns(output: Any) -> list[Turn]:
    """Convert a ``pyannote.core.Annotation`` (or a 4.x output with ``.speaker_diarization``).

    Labels are renamed ``S0``, ``S1``, ... in order of first appearance; overlapping speech
    stays as overlapping turns.
    """
    annotation = getattr(output, "speaker_diarization", output)
    if not hasattr(annotation, "itertracks"):
        raise DiarizationError(
            f"pyannote pipeline returned {type(output).__name__}, not an Annotation or an output with "
            ".speaker_diarization; is the model a speaker-diarization pipeline?"
        )
    tracks = sorted(((seg.start, seg.end, str(label))
                     for seg, _, label in annotation.itertracks(yield_label=True)), key=lambda t: (t[0], t[1]))
    names: dict[str, str] = {}
    return [Turn(round(start, 3), round(end, 3), names.setdefault(label, f"S{len(names)}"))
            for start, end, label in tracks if end > start]


# --------------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------------

DIARIZERS: Registry[Diarizer] = Registry("diarizer")
DIARIZERS["embedded"] = EmbeddedDiarizer
DIARIZERS["pyannote"] = PyannoteDiarizer


def get_diarizer(name: str = "embedded", **options: Any) -> Diarizer:
    """Build a diarizer by name (``embedded`` or ``pyannote``).

    Raises:
        ValueError: unknown name; the message lists the valid choices.
    """
    return DIARIZERS.create(name, **options)
