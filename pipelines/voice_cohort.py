"""A room cohort for the profile side of the s-norm (issue 11, session 9).

:func:`pipelines.voices.snorm_scores` standardises a test voice's cosine to a profile twice:
against the test voice's scores with the other profiles (the test side) and against the
profile's scores with the other profiles (the profile side). The profiles are telephone
voices; the test voices of a visit are room voices. A profile that the room moves every voice
towards - a *hub*: on corpus_heldout5 X707 scores highest for its team-mates' room clusters on
four visits - is not pulled down by a cohort of telephone profiles, which it does not stand
out from. Its scores with *room* voices of other people do: the profile side measured against
a fixed set of room voices (:func:`room_cohort`) pulls a hub down by how much it scores on
every room voice.

Used by the voice step's turn-level correction of room audio (``pipelines.voices.ROOM_COHORT``);
the cluster matching keeps the telephone cohort, with which its levels were set (with the room
cohort there, stand-ins passed for team-mates: docs/voiceprints.md, Session 9).

The cohort is shipped (``pipelines/data/voices/room_cohort.json``: one compensated room
embedding per voice and recording of the benchmark corpora not used to measure it, fitted with
``benchmarks/voices_cohort.py``) so the decision on a recording depends on that recording and
the voiceprints only: the same in a nightly batch, a parallel executor or any order of
recordings. A bank re-fits it on its own visits with the same script.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

COHORT_FILE = Path(__file__).parent / "data" / "voices" / "room_cohort.json"
_COHORT: dict[Path, np.ndarray | None] = {}


def room_cohort(path: Path | None = None) -> np.ndarray | None:
    """The room cohort (n x 256, unit rows, room mean removed), or None when none is shipped."""
    path = COHORT_FILE if path is None else path
    if path not in _COHORT:
        vectors = None
        if path.is_file():
            raw = json.loads(path.read_text(encoding="utf-8"))
            vectors = np.asarray(raw["vectors"], dtype=np.float64)
            vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
        _COHORT[path] = vectors if vectors is not None and len(vectors) >= 3 else None
    return _COHORT[path]


def profile_side(centres: np.ndarray, cohort: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The mean and standard deviation (+ 1e-3, as the s-norm's) of each profile centre's cosine
    with the ``cohort`` voices: the profile side of the s-norm against the room."""
    scores = np.asarray(centres, dtype=np.float64) @ cohort.T
    return scores.mean(axis=1), scores.std(axis=1) + 1e-3


def fit_document(vectors: np.ndarray, sources: list[str]) -> dict[str, object]:
    """What :func:`room_cohort` reads: the vectors (4 decimals) and where each came from."""
    return {"sources": sources, "vectors": [[round(float(x), 4) for x in v] for v in vectors]}
