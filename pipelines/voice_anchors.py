"""The logged collectors' voiceprints as anchors of a mono recording's speaker search.

On a home visit the diarization (:func:`pipelines.speakers.attribute`) groups the pieces by
voice and words; the voiceprints of the collectors the log names were only read afterwards,
to say which collector each collector speaker is (:func:`pipelines.voices.identify`). Here they
take part in the grouping: a way of joining the pieces into speakers is also scored by how well
its collector speakers sound like the logged collectors (each logged collector with a usable
voiceprint given to one collector speaker, the best one-to-one pairing). A debtor's pieces
merged into a collector's speaker pull that speaker's voice away from the collector's profile;
a collector's pieces left in the debtor's speaker leave it short of them.

The pieces are embedded as the voice step embeds a segment (the telephone band, the room
channel's mean removed, s-normalised against the other enrolled profiles), so the scores are
the voice step's own.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import numpy as np

from audit.schema import Contact
from audit.voiceprints import Profile
from pipelines.voices import WINDOW_FILL, WINDOW_STEP_S, compensate, recording_band, snorm_scores

WEIGHT = 0.0  # how much one unit of s-norm score weighs against the voice scatter (0: anchors off)


def logged_profiles(contact: Contact, profiles: dict[str, Profile]) -> list[str]:
    """The collectors the log names that have a usable voiceprint, in the log's order."""
    logged = dict.fromkeys(a for a in (contact.agent_id, *contact.visit_staff_ids) if a)
    return [a for a in logged if a in profiles and profiles[a].ready]


def piece_windows(mono: np.ndarray, pieces: Sequence[tuple[float, float]]) -> list[np.ndarray]:
    """The 1.6 s window embeddings of each piece, in the telephone band (the voice step's)."""
    from pipelines.diarization.embedding import embed_windows

    if not pieces:
        return []
    band = recording_band(mono, max(e for _, e in pieces))
    return embed_windows(band, list(pieces), fill=WINDOW_FILL, step_s=WINDOW_STEP_S)


def block_scorer(
    windows: list[np.ndarray], names: list[str], profiles: dict[str, Profile], channel: str
) -> Callable[[np.ndarray], np.ndarray]:
    """``score(mask)``: the s-norm scores against ``names`` of the pieces selected by ``mask``
    together (the unit mean of their windows, channel-compensated), memoised by the selection."""
    sums = np.stack([w.sum(axis=0) if len(w) else np.zeros(256) for w in windows]).astype(np.float64)
    memo: dict[bytes, np.ndarray] = {}

    def score(mask: np.ndarray) -> np.ndarray:
        key = np.packbits(mask).tobytes()
        if key not in memo:
            total = sums[mask].sum(axis=0)
            norm = float(np.linalg.norm(total))
            if norm == 0.0:
                memo[key] = np.zeros(len(names))
            else:
                vector = compensate((total / norm)[None, :], channel)
                memo[key] = snorm_scores(vector, names, profiles)[0]
        return memo[key]

    return score


def best_pairing(rows: list[np.ndarray]) -> float:
    """The largest sum of scores pairing rows (collector speakers) with columns (logged collectors)
    one-to-one, as many pairs as the smaller side has."""
    if not rows or not len(rows[0]):
        return 0.0
    matrix = np.stack(rows)
    n, m = matrix.shape
    if n <= m:
        return max(sum(matrix[i, c] for i, c in enumerate(cols)) for cols in itertools.permutations(range(m), n))
    return max(sum(matrix[r, j] for j, r in enumerate(rs)) for rs in itertools.permutations(range(n), m))


def anchors_for(
    contact: Contact,
    mono: np.ndarray,
    pieces: Sequence[tuple[float, float]],
    profiles: dict[str, Profile] | None,
    channel: str,
    *,
    weight: float | None = None,
) -> Callable[[list[np.ndarray]], float] | None:
    """What :func:`pipelines.speakers.attribute` takes as ``voice_fit``: ``weight`` (default
    :data:`WEIGHT`) x the best one-to-one pairing score of the collector speakers with the logged
    collectors; ``None`` when anchors are off or the log names no collector with a voiceprint."""
    weight = WEIGHT if weight is None else weight
    if weight <= 0 or not profiles or not pieces:
        return None
    names = logged_profiles(contact, profiles)
    if not names:
        return None
    score = block_scorer(piece_windows(mono, pieces), names, profiles, channel)
    return lambda masks: weight * best_pairing([score(m) for m in masks])
