"""Collector voiceprints: store, load, update and remove voice profiles; score voices against them.

A voiceprint is biometric, sensitive personal information (个人信息保护法 art. 28): it is kept
only to tell which collector said what on mono calls and home visits, only admins enroll or
remove one (``audit voices``), removal deletes the row, and no audio is kept with it - only
speaker embeddings (256 numbers each, from which speech cannot be rebuilt) and where they came
from (README, Voiceprints).

A profile holds one embedding per enrolled stretch of collector speech (a stereo call's
collector channel, or a file given to ``audit voices enroll``) of at least :data:`MIN_CHUNK_S`
seconds, up to :data:`MAX_CHUNKS` of the most recent. As calls arrive the profile is rebuilt:
an embedding far from the others (somebody else used the seat) is kept on record but
*rejected* (:func:`reject_outliers`), so it never shapes the voice the profile stands for. A
profile is usable once its kept stretches hold :data:`READY_SPEECH_S` seconds of speech.

This module is the pure core (numpy only): the embeddings are computed from audio by
``pipelines.voices``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlmodel import Session, col, select

from audit import models
from audit.models import utcnow
from audit.schema import Finding, Segment

MIN_CHUNK_S = 8.0       # a stretch of speech shorter than this is not enrolled (noisy embedding)
READY_SPEECH_S = 30.0   # a profile identifies only once its kept stretches hold this much speech
MAX_CHUNKS = 20         # the most recent stretches kept per profile
# a stretch is an outlier when its mean similarity to the others falls this far below theirs
OUTLIER_MARGIN = 0.08
UNREGISTERED = "unregistered"


@dataclass
class Chunk:
    """One enrolled stretch of a collector's speech: its embedding and where it came from."""

    embedding: list[float]
    seconds: float
    source: str
    kept: bool = True


@dataclass
class Profile:
    """A collector's voice profile as the pipeline uses it (see the module docstring)."""

    agent_id: str
    chunks: list[Chunk] = field(default_factory=list)
    team: str = ""

    @property
    def kept(self) -> list[Chunk]:
        return [c for c in self.chunks if c.kept]

    @property
    def speech_s(self) -> float:
        return float(sum(c.seconds for c in self.kept))

    @property
    def ready(self) -> bool:
        return self.speech_s >= READY_SPEECH_S and bool(self.kept)

    def centroid(self) -> np.ndarray:
        """The unit mean of the kept embeddings (weighted by their seconds of speech)."""
        kept = self.kept
        if not kept:
            return np.zeros(0, np.float32)
        vectors = np.array([c.embedding for c in kept], dtype=np.float64)
        weights = np.array([c.seconds for c in kept])
        mean = (vectors * weights[:, None]).sum(axis=0)
        return (mean / max(np.linalg.norm(mean), 1e-9)).astype(np.float32)


def unit(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-9)


Compare = Callable[[np.ndarray], np.ndarray]  # embeddings -> the unit vectors outliers are judged on


def reject_outliers(chunks: list[Chunk], margin: float = OUTLIER_MARGIN, compare: Compare | None = None
                    ) -> list[Chunk]:
    """Mark as rejected the stretches whose voice is not the profile's (in place; returned).

    Each stretch's score is its mean cosine similarity to the *other* stretches; with three or
    more stretches, one scoring ``margin`` below the median score is another voice (a minority:
    the seat is the collector's most of the time). With two, nothing can be told apart: both
    stay. Rejected stretches stay on record and are judged again when more calls arrive.

    ``compare`` maps the embeddings to the space they are judged in (the pipeline removes the
    telephone channel's mean first, ``pipelines.voices.OUTLIERS``: there voices stand apart
    far more than in the raw embeddings, where every voice is 0.8-0.99 alike).
    """
    for c in chunks:
        c.kept = True
    if len(chunks) < 3:
        return chunks
    vectors = np.array([c.embedding for c in chunks], dtype=np.float64)
    vectors = unit(compare(vectors) if compare is not None else vectors)
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, np.nan)
    scores = np.nanmean(sims, axis=1)
    median = float(np.median(scores))
    for c, s in zip(chunks, scores, strict=True):
        c.kept = bool(s >= median - margin)
    return chunks


def add_chunks(profile: Profile, new: Iterable[Chunk], margin: float = OUTLIER_MARGIN,
               compare: Compare | None = None) -> Profile:
    """Add stretches (a stretch from a source already enrolled replaces it), keep the most
    recent :data:`MAX_CHUNKS`, and judge the outliers again."""
    new = list(new)
    sources = {c.source for c in new}
    chunks = [c for c in profile.chunks if c.source not in sources] + [c for c in new if c.seconds >= MIN_CHUNK_S]
    profile.chunks = reject_outliers(chunks[-MAX_CHUNKS:], margin, compare)
    return profile


# ----------------------------------------------------------------------------- storage


def _to_profile(row: models.Voiceprint, team: str = "") -> Profile:
    chunks = [Chunk(embedding=list(e), seconds=float(s.get("seconds", 0.0)), source=str(s.get("source", "")),
                    kept=bool(s.get("kept", True)))
              for e, s in zip(row.embeddings or [], row.sources or [], strict=False)]
    return Profile(agent_id=row.agent_id, chunks=chunks, team=team)


def save_profile(session: Session, profile: Profile) -> models.Voiceprint:
    """Write ``profile`` (insert or replace); the caller commits."""
    row = session.get(models.Voiceprint, profile.agent_id)
    now = utcnow()
    if row is None:
        row = models.Voiceprint(agent_id=profile.agent_id, built_at=now)
    row.embeddings = [[round(float(x), 5) for x in c.embedding] for c in profile.chunks]
    row.sources = [{"source": c.source, "seconds": round(c.seconds, 2), "kept": c.kept} for c in profile.chunks]
    row.speech_s = round(profile.speech_s, 2)
    row.n_calls = len(profile.chunks)
    row.updated_at = now
    session.add(row)
    session.flush()
    return row


def load_profile(session: Session, agent_id: str) -> Profile | None:
    row = session.get(models.Voiceprint, agent_id)
    return _to_profile(row) if row is not None else None


def enroll(session: Session, agent_id: str, chunks: Sequence[Chunk], margin: float = OUTLIER_MARGIN,
           compare: Compare | None = None) -> Profile:
    """Add stretches of ``agent_id``'s speech to their profile (created when missing); caller commits."""
    profile = load_profile(session, agent_id) or Profile(agent_id)
    add_chunks(profile, chunks, margin, compare)
    save_profile(session, profile)
    return profile


def load_profiles(session: Session) -> dict[str, Profile]:
    """Every stored profile, with the team the agent table gives its collector."""
    teams = {a.agent_id: a.team for a in session.exec(select(models.Agent)).all()}
    rows = session.exec(select(models.Voiceprint).order_by(col(models.Voiceprint.agent_id))).all()
    return {r.agent_id: _to_profile(r, teams.get(r.agent_id, "")) for r in rows}


def remove(session: Session, agent_id: str) -> bool:
    """Erase ``agent_id``'s voiceprint (the row is deleted, nothing is kept); caller commits.
    Segments and findings keep the agent id they were attributed to (an audit record)."""
    row = session.get(models.Voiceprint, agent_id)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def summaries(session: Session) -> list[dict[str, Any]]:
    """What ``audit voices list`` shows: no embeddings, only what a profile was built from."""
    out = []
    for row in session.exec(select(models.Voiceprint).order_by(col(models.Voiceprint.agent_id))).all():
        profile = _to_profile(row)
        out.append({"agent_id": row.agent_id, "speech_s": row.speech_s, "n_calls": row.n_calls,
                    "rejected": sum(1 for c in profile.chunks if not c.kept), "ready": profile.ready,
                    "built_at": row.built_at, "updated_at": row.updated_at})
    return out


def attribute_findings(findings: list[Finding], segments: Sequence[Segment]) -> list[Finding]:
    """Give each finding on a collector's words the agent id of the voice that said them.

    The finding's span is matched to the collector segment it overlaps most; a segment with an
    identified agent id (not ``unregistered``) lends it. Findings elsewhere keep ``None`` (the
    contact's agent answers for them). In place; returned.
    """
    voiced = [s for s in segments if s.agent_id and s.agent_id != UNREGISTERED]
    if not voiced:
        return findings
    for finding in findings:
        if finding.start is None or finding.end is None or finding.agent_id:
            continue
        best, overlap = None, 0.0
        for seg in voiced:
            if finding.speaker is not None and seg.speaker != finding.speaker:
                continue
            o = min(seg.end, finding.end) - max(seg.start, finding.start)
            if o > overlap or (best is None and o >= 0 and finding.end == finding.start):
                best, overlap = seg, o
        if best is not None:
            finding.agent_id = best.agent_id
    return findings
