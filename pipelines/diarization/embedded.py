"""The embedded diarizer: Silero VAD + Resemblyzer GE2E embeddings + clustering, fully offline.

Silero VAD (:mod:`pipelines.vad`) finds speech, the speech is cut at pauses into turn-sized
pieces (long pieces are split again where the voice changes), each piece gets a GE2E embedding
(:mod:`pipelines.diarization.embedding`), and the pieces are clustered on cosine distance
(:mod:`pipelines.diarization.clustering`). The speaker count comes from the caller (the
manifest) or is estimated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pipelines.diarization.base import DiarizationError, Hook, Turn
from pipelines.diarization.clustering import cluster_embeddings, to_turns
from pipelines.diarization.embedding import embed_windows, unit, voice_encoder
from pipelines.vad import speech_regions


@dataclass
class EmbeddedOptions:
    """Settings of the embedded diarizer.

    Attributes:
        vad_threshold: Silero speech probability that starts speech.
        min_silence_ms: a pause this long separates two pieces (see :func:`pipelines.vad.speech_regions`).
        min_speech_ms: shorter VAD regions are ignored.
        pad_ms: VAD padding on each side of a region.
        max_piece_s: a piece longer than this is searched for a change of voice.
        change_threshold: cosine distance between the mean voices on both sides of a split
            point above which a long piece is split.
        min_side_s: the shortest stretch a change-point split may leave on either side.
        cluster_min_s: pieces shorter than this do not shape the clusters (their embedding is
            noisy); they are assigned to the nearest speaker afterwards.
        single_distance: when the count is estimated, pieces all closer than this cosine
            distance are one speaker (see :func:`.clustering.estimate_count`).
        merge_gap_s: consecutive pieces of one speaker closer than this become one turn.
        center: subtract the recording's mean embedding before clustering (removes what all
            voices share; off by default because a dominant speaker drags the mean).
        linkage: clustering method, see :func:`.clustering.cluster_embeddings`.
        window_step_s: hop between the 1.6 s embedding windows inside a piece.
        refine: k-means refinement of the clusters (see :func:`.clustering.cluster_embeddings`).
        voice_features: weight of the pieces' spectral-envelope features (:mod:`.voice`)
            appended to their embeddings; 0 leaves the embeddings alone. A recording with a
            raised voice (a piece 6 dB over its speech) keeps them alone too.
        short_fill: how a piece shorter than the encoder's 1.6 s window fills it
            (:func:`.embedding.embed_windows`: ``"zeros"``, ``"repeat"`` or ``"none"``), or
            ``"auto"``: repeated, unless the recording has a raised voice (then zeros).
        room_only: the voice features and the ``"auto"`` fill apply only to room recordings;
            telephone audio (nothing above 4 kHz, :func:`.voice.narrowband`) keeps the plain,
            zero-padded embeddings. docs/conduct.md (*Fourth pass*) has the figures of the three.
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
    voice_features: float = 0.2
    short_fill: str = "auto"
    room_only: bool = True


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

    def pieces(self, audio: np.ndarray, *,
               room_only: bool | None = None) -> tuple[list[tuple[float, float]], np.ndarray]:
        """Cut the speech into single-speaker pieces and embed each one (no clustering yet).

        The pipeline clusters these itself when it decides speakers and roles together
        (:mod:`pipelines.speakers`); :meth:`diarize` clusters them on the voice alone.
        ``room_only``: overrides the option for this recording (the pipeline turns it off on a
        mono call with two collectors, docs/voiceprints.md).

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
        from pipelines.diarization.voice import augment, narrowband, piece_features, raised

        fill = opts.short_fill
        wanted = opts.voice_features > 0 or fill == "auto"
        # telephone audio (nothing above 4 kHz) keeps the plain embeddings when room_only
        room_only = opts.room_only if room_only is None else room_only
        voiced = wanted and not (room_only and narrowband(audio))
        if voiced:
            features, level = piece_features(audio, pieces)
            if fill == "auto":  # a recording with a raised voice keeps Resemblyzer's zero padding
                fill = "zeros" if raised(level) else "repeat"
        elif fill == "auto":
            fill = "zeros"
        windows = embed_windows(audio, pieces, step_s=opts.window_step_s, fill=fill)
        embeddings = np.stack([unit(w.mean(axis=0)) for w in windows])
        durations = np.array([end - start for start, end in pieces])
        if opts.center and len(pieces) > 2:
            embeddings = embeddings - np.average(embeddings, axis=0, weights=durations)
        embeddings = unit(embeddings)
        if voiced and opts.voice_features > 0:
            embeddings = augment(embeddings, features, durations, opts.voice_features, level)
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
            distance = 1.0 - float(unit(left.mean(axis=0)) @ unit(right.mean(axis=0)))
            if distance > best:
                best, best_b = distance, b
        if best_b is None or best < threshold:
            return []
        return split(lo, best_b) + [best_b] + split(best_b, hi)

    bounds = split(0, len(windows))
    times = [b * step + window_s / 2 for b in bounds]
    edges: list[float | None] = [0.0, *times, None]
    return [(float(edges[i]), edges[i + 1]) for i in range(len(edges) - 1)]  # type: ignore[arg-type]
