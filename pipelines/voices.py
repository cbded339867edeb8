"""Collector voiceprints from audio: enrollment embeddings and identification of collector voices.

**Same band on both sides.** A stereo call reaches us as 8 kHz telephone audio (300-3400 Hz);
a home visit is 16 kHz room audio. The channel change moves a GE2E embedding more than a change
of speaker does, so every stretch is taken down to the telephone band (8 kHz, 300-3400 Hz
band-pass, back to 16 kHz for the encoder) before it is embedded: enrollment and
identification compare voices in the same band.

**Enrollment** (:func:`enrollment_chunks`): the collector channel of a stereo call (or a file
given to ``audit voices enroll``) → VAD → one embedding per stretch of at least
``audit.voiceprints.MIN_CHUNK_S`` of speech (the mean of its 1.6 s window embeddings).

**Channel compensation.** Band-limiting is not enough: the room's reverberation and noise still
move every embedding the same way. The mean embedding of each channel (telephone: enrollment
stretches; room: collector voices of visits), measured on the calibration corpus's tune split
and shipped in ``pipelines/data/voices/channel_means.json``, is subtracted before comparing
(:func:`compensate`); on the calibration corpus this took the room-vs-phone EER from 23 % to
16 % on tune and from 31 % to 19 % held out. Re-fit it on a bank's own recordings with
``benchmarks/voices_calibrate.py --fit-means``.

**Identification** (:func:`identify`): on a mono call or visit, each collector-side speaker (a
cluster of the diarization, not a single turn: a cluster's many seconds give a steadier
embedding) is embedded and scored against the profiles of the candidates - the collectors the
log names and their team. Scores are normalised against the cohort of the other enrolled
profiles (symmetric s-norm), collectors are matched to clusters one-to-one (Hungarian
assignment, a logged collector preferred by :data:`LOGGED_BONUS`), and a cluster whose best
normalised score stays below :data:`ACCEPT` gets ``unregistered``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from audit.schema import Contact, Role, Segment
from audit.voiceprints import MIN_CHUNK_S, UNREGISTERED, Chunk, Profile
from pipelines.audio import SAMPLE_RATE

# thresholds on the s-normalised score, calibrated on benchmarks/corpus_voices (docs in README)
ACCEPT = 0.65           # a cluster scoring lower is "unregistered": not attributed, and raised by VISIT_STAFFING
# (round 2, chosen on the tune split of the real pipeline: docs/voiceprints.md; round 1 had 0.8, the highest
# threshold with <= 5 % false alarms on whole voices)
MIN_SPAN_S = 0.3        # a shorter span says too little of a voice to embed
LOGGED_BONUS = 2.0      # a collector the log names is preferred over a team-mate by this much
ONE_TO_ONE = True       # one collector per cluster and one cluster per collector (Hungarian)
CHUNK_MAX_S = 40.0      # a longer enrollment stretch is split
SEGMENT_PRIOR: float | None = 0.5  # turn-level correction: the cluster's collector is favoured by this (None: off)
SEGMENT_MIN_S = 1.0     # shorter collector segments keep their cluster's collector


MEANS_FILE = Path(__file__).parent / "data" / "voices" / "channel_means.json"
_MEANS: dict[str, np.ndarray] | None = None


def channel_means() -> dict[str, np.ndarray]:
    """The mean embedding per channel (``phone``, ``room``); empty when none is shipped."""
    global _MEANS
    if _MEANS is None:
        raw = json.loads(MEANS_FILE.read_text()) if MEANS_FILE.exists() else {}
        _MEANS = {k: np.asarray(v, dtype=np.float64) for k, v in raw.items() if k in ("phone", "room")}
    return _MEANS


def compensate(vectors: np.ndarray, channel: str) -> np.ndarray:
    """Embeddings with their channel's mean removed, unit length again (as they are without a mean)."""
    mean = channel_means().get(channel)
    v = np.asarray(vectors, dtype=np.float64)
    if mean is None:
        return v
    w = v - mean
    return w / np.maximum(np.linalg.norm(w, axis=-1, keepdims=True), 1e-9)


def profile_vector(profile: Profile) -> np.ndarray:
    """A profile's voice for comparison: its kept (telephone) stretches, compensated, averaged."""
    kept = profile.kept
    vectors = compensate(np.array([c.embedding for c in kept], dtype=np.float64), "phone")
    weights = np.array([c.seconds for c in kept])
    mean = (vectors * weights[:, None]).sum(axis=0)
    return mean / max(float(np.linalg.norm(mean)), 1e-9)


def _phone_space(vectors: np.ndarray) -> np.ndarray:
    return compensate(vectors, "phone")


# how enrollment judges outliers: in the compensated telephone space, a stretch whose mean cosine
# to the others is 0.1 below the median. Calibration corpus, the two seat-borrowing calls put
# into each of the 24 profiles (3 genuine calls each): 38/48 rejected, 0/144 genuine stretches
# rejected (raw embeddings at the core's default 0.08: 24/48)
OUTLIERS: dict[str, Any] = {"margin": 0.1, "compare": _phone_space}


def telephone_band(audio: np.ndarray) -> np.ndarray:
    """16 kHz audio taken down to the telephone band (8 kHz, 300-3400 Hz) and back to 16 kHz."""
    from scipy.signal import butter, resample_poly, sosfiltfilt

    x = np.asarray(audio, dtype=np.float64)
    if x.size < 64:
        return x.astype(np.float32)
    narrow = resample_poly(x, 1, 2)
    sos = butter(6, [300, 3400], btype="bandpass", fs=SAMPLE_RATE // 2, output="sos")
    narrow = sosfiltfilt(sos, narrow)
    return resample_poly(narrow, 2, 1)[: x.size].astype(np.float32)


def embed_spans(audio: np.ndarray, spans: Sequence[tuple[float, float]]) -> np.ndarray:
    """One unit embedding for all of ``spans`` of 16 kHz ``audio`` together, in the telephone band."""
    from pipelines.diarization.embedding import embed_windows, unit

    spans = [(s, e) for s, e in spans if e - s > MIN_SPAN_S]
    if not spans:
        return np.zeros(256, np.float32)
    lo, hi = min(s for s, _ in spans), max(e for _, e in spans)
    band = telephone_band(audio[int(lo * SAMPLE_RATE):int(hi * SAMPLE_RATE) + 1])
    windows = embed_windows(band, [(s - lo, e - lo) for s, e in spans])
    stacked = np.concatenate([w for w in windows if len(w)]) if any(len(w) for w in windows) else np.zeros((1, 256))
    return unit(stacked.mean(axis=0)).astype(np.float32)


def enrollment_chunks(channel: np.ndarray, source: str, *, spans: Sequence[tuple[float, float]] | None = None
                      ) -> list[Chunk]:
    """Embeddings of one collector's speech (a stereo call's collector channel, or a file).

    The speech found by the VAD (or ``spans``) is cut into stretches of at most
    :data:`CHUNK_MAX_S` seconds; stretches under ``MIN_CHUNK_S`` are left out (an empty list
    for a call with too little collector speech).
    """
    if spans is None:
        from pipelines.vad import speech_regions

        spans = speech_regions(channel)
    groups: list[list[tuple[float, float]]] = [[]]
    for span in spans:
        if sum(e - s for s, e in groups[-1]) >= CHUNK_MAX_S:
            groups.append([])
        groups[-1].append(span)
    if len(groups) > 1 and sum(e - s for s, e in groups[-1]) < MIN_CHUNK_S:
        groups[-2] += groups.pop()
    chunks = []
    for i, group in enumerate(groups):
        seconds = sum(e - s for s, e in group)
        if seconds >= MIN_CHUNK_S:
            name = source if len(groups) == 1 else f"{source}#{i}"
            chunks.append(Chunk(embedding=embed_spans(channel, group).tolist(), seconds=round(seconds, 2), source=name))
    return chunks


@dataclass
class VoiceMatch:
    """What identification decided for one collector-side speaker of a mono recording."""

    speaker: str
    agent_id: str          # an agent id, or "unregistered"
    score: float | None    # the s-normalised score of the chosen (or best) profile
    seconds: float
    best: str | None = None  # the best-scoring candidate, even when not accepted

    def to_dict(self) -> dict[str, Any]:
        return {"speaker": self.speaker, "agent_id": self.agent_id, "best": self.best,
                "score": None if self.score is None else round(self.score, 3), "seconds": round(self.seconds, 1)}


def candidates(contact: Contact, profiles: dict[str, Profile]) -> tuple[list[str], set[str]]:
    """The usable profiles of the collectors the log names, then their team's; and the logged ids."""
    logged = [contact.agent_id, *contact.visit_staff_ids]
    logged = [a for a in dict.fromkeys(logged) if a]
    teams = {contact.team} | {profiles[a].team for a in logged if a in profiles}
    team = sorted(a for a, p in profiles.items() if p.team and p.team in teams)
    names = [a for a in dict.fromkeys([*logged, *team]) if a in profiles and profiles[a].ready]
    return names, set(logged)


def snorm_scores(vectors: np.ndarray, names: list[str], profiles: dict[str, Profile]) -> np.ndarray:
    """Symmetric s-norm of cosine scores: ``vectors`` (n × 256) against the ``names`` profiles.

    Each raw score is standardised against the test voice's scores with every *other* ready
    profile (the cohort) and against the profile's scores with the other profiles' centroids,
    and the two are averaged. With fewer than three other profiles the raw cosine is scaled to
    a comparable range instead, (cos - 0.5) / 0.1 (the compensated cosine's equal-error point is
    near 0.5 on the calibration corpus).
    """
    ready = [a for a, p in profiles.items() if p.ready]
    cents = {a: profile_vector(profiles[a]) for a in ready}
    raw = np.array([[float(v @ cents[a]) for a in names] for v in vectors]).reshape(len(vectors), len(names))
    if len(ready) < 4:
        return (raw - 0.5) / 0.1
    out = np.zeros_like(raw)
    for j, a in enumerate(names):
        cohort = np.stack([cents[b] for b in ready if b != a])
        prof = cohort @ cents[a]
        mu_p, sd_p = float(prof.mean()), float(prof.std()) + 1e-3
        for i, v in enumerate(vectors):
            test = cohort @ v
            mu_t, sd_t = float(test.mean()), float(test.std()) + 1e-3
            out[i, j] = 0.5 * ((raw[i, j] - mu_t) / sd_t + (raw[i, j] - mu_p) / sd_p)
    return out


def collector_clusters(segments: Sequence[Segment]) -> dict[str, list[tuple[float, float]]]:
    """The spans of each collector-side speaker label."""
    spans: dict[str, list[tuple[float, float]]] = {}
    for seg in segments:
        if seg.role == Role.AGENT.value:
            spans.setdefault(seg.speaker, []).append((seg.start, seg.end))
    return spans


def match(vectors: np.ndarray, speakers: list[str], seconds: list[float], contact: Contact,
          profiles: dict[str, Profile], *, accept: float = ACCEPT, one_to_one: bool = ONE_TO_ONE) -> list[VoiceMatch]:
    """Assign collector clusters to enrolled collectors one-to-one (see the module docstring)."""
    from scipy.optimize import linear_sum_assignment

    names, logged = candidates(contact, profiles)
    if not speakers:
        return []
    if not names:
        return [VoiceMatch(s, UNREGISTERED, None, sec) for s, sec in zip(speakers, seconds, strict=True)]
    scores = snorm_scores(vectors, names, profiles)
    gain = scores + np.array([LOGGED_BONUS if a in logged else 0.0 for a in names])[None, :]
    if one_to_one:
        rows, cols = linear_sum_assignment(-gain)
        chosen = dict(zip(rows.tolist(), cols.tolist(), strict=True))
    else:
        chosen = {i: int(np.argmax(gain[i])) for i in range(len(speakers))}
    out = []
    taken = {j for i, j in chosen.items() if scores[i, j] >= accept}
    for i, speaker in enumerate(speakers):
        j = chosen.get(i)
        best = int(np.argmax(scores[i]))
        if j is not None and scores[i, j] >= accept:
            out.append(VoiceMatch(speaker, names[j], float(scores[i, j]), seconds[i], names[best]))
        elif scores[i, best] >= accept and best in taken:
            # the voice of a collector another cluster already is: one voice the diarization
            # split in two (it was told to find as many collectors as the log names)
            out.append(VoiceMatch(speaker, names[best], float(scores[i, best]), seconds[i], names[best]))
        else:
            out.append(VoiceMatch(speaker, UNREGISTERED, float(scores[i, best]), seconds[i], names[best]))
    return out


def refine_segments(contact: Contact, mono: np.ndarray, segments: list[Segment], profiles: dict[str, Profile],
                    channel: str, matches: list[VoiceMatch], *, prior: float | None = None,
                    min_s: float | None = None, windows: dict[int, np.ndarray] | None = None) -> None:
    """Turn-level correction inside the collector side: the diarization sometimes puts two
    collectors' turns in one cluster. Each collector segment of at least ``min_s`` seconds is
    scored against the collectors heard here and the logged ones with a voiceprint, its
    cluster's collector favoured by ``prior``; the best one takes the segment if the segment's
    own score passes ``ACCEPT``. Segments of unregistered clusters are left alone. ``windows``:
    the window embeddings of each segment (by ``id``) when already computed."""
    prior = SEGMENT_PRIOR if prior is None else prior
    min_s = SEGMENT_MIN_S if min_s is None else min_s
    logged = [a for a in dict.fromkeys([contact.agent_id, *contact.visit_staff_ids]) if a in profiles
              and profiles[a].ready]
    heard = [m.agent_id for m in matches if m.agent_id in profiles]
    names = list(dict.fromkeys([*heard, *logged]))
    # an unregistered cluster is left alone: it is nobody enrolled, a turn of it must not become one
    long = [s for s in segments if s.role == Role.AGENT.value and s.end - s.start >= min_s
            and s.agent_id in profiles]
    if len(names) < 2 or not long or prior is None:
        return
    missing = [s for s in long if windows is None or id(s) not in windows]
    windows = {**(windows or {}), **segment_windows(mono, missing)}
    vectors = compensate(np.stack([_mean_unit(windows[id(s)]) for s in long]), channel)
    scores = snorm_scores(vectors, names, profiles)
    for seg, row in zip(long, scores, strict=True):
        gain = row + np.array([prior if a == seg.agent_id else 0.0 for a in names])
        best = int(np.argmax(gain))
        if row[best] >= ACCEPT:  # only to a collector the turn itself sounds like
            seg.agent_id = names[best]


def segment_windows(mono: np.ndarray, segments: Sequence[Segment]) -> dict[int, np.ndarray]:
    """The 1.6 s window embeddings of each segment (by ``id``), in the telephone band: the
    recording is band-limited once and all windows go through the encoder in one pass (the
    cluster embeddings and the turn-level correction share them)."""
    from pipelines.diarization.embedding import embed_windows

    spans = [(s.start, s.end) for s in segments]
    if not spans:
        return {}
    band = telephone_band(mono[:int(max(e for _, e in spans) * SAMPLE_RATE) + 1])
    return {id(s): w for s, w in zip(segments, embed_windows(band, spans), strict=True)}


def _mean_unit(windows: np.ndarray | Sequence[np.ndarray]) -> np.ndarray:
    """The unit mean of window embeddings (what :func:`embed_spans` gives for their spans)."""
    parts = [w for w in ([windows] if isinstance(windows, np.ndarray) else windows) if len(w)]
    if not parts:
        return np.zeros(256, np.float32)
    mean = np.concatenate(parts).mean(axis=0)
    return (mean / max(float(np.linalg.norm(mean)), 1e-9)).astype(np.float32)


def identify(contact: Contact, mono: np.ndarray, segments: list[Segment], profiles: dict[str, Profile],
             channel: str = "room") -> dict[str, Any]:
    """Give each collector segment of a mono recording the speaking collector's agent id.

    ``channel``: ``room`` (a visit recorder) or ``phone`` (a mono telephone recording), whose
    mean embedding is removed (:func:`compensate`).
    Sets ``segment.agent_id`` in place and returns the metrics the staffing rule reads:
    ``collector_voices`` (one :class:`VoiceMatch` dict per collector speaker) and
    ``logged_staff`` (the ids the log names).
    """
    clusters = collector_clusters(segments)
    speakers = list(clusters)
    seconds = [sum(e - s for s, e in clusters[s]) for s in speakers]
    collector = [s for s in segments if s.role == Role.AGENT.value and s.end - s.start > MIN_SPAN_S]
    windows = segment_windows(mono, collector)
    vectors = np.stack([_mean_unit([windows[id(s)] for s in collector if s.speaker == k]) for k in speakers]) \
        if speakers else np.zeros((0, 256))
    vectors = compensate(vectors, channel)
    matches = match(vectors, speakers, seconds, contact, profiles)
    by_speaker = {m.speaker: m.agent_id for m in matches}
    for seg in segments:
        if seg.role == Role.AGENT.value:
            seg.agent_id = by_speaker.get(seg.speaker)
    if SEGMENT_PRIOR is not None:
        refine_segments(contact, mono, segments, profiles, channel, matches, windows=windows)
    names, _ = candidates(contact, profiles)
    return {"collector_voices": [m.to_dict() for m in matches],
            "logged_staff": [a for a in dict.fromkeys([contact.agent_id, *contact.visit_staff_ids]) if a],
            "logged_with_profile": [a for a in dict.fromkeys([contact.agent_id, *contact.visit_staff_ids])
                                    if a in profiles and profiles[a].ready],
            "voice_candidates": names}
