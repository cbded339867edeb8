"""Who said each piece of a mono recording: the voices and the words, decided together.

The voice alone cannot always tell two people apart. On a home visit the second collector and
the debtor can sound alike to the speaker encoder (GE2E similarity 0.8 between them, as high as
between two pieces of one of them), so clustering on the voice puts the second collector's
demand for cash into the debtor's cluster, and the finding is lost. What a supervisor hears at
once is *what* is said: collectors name the debt and press for money, the other party answers,
pleads and protests.

So speakers and roles are settled in one search (in the spirit of linguistically aided
diarization, Flemotomos et al., 2020):

1. The pieces (single-speaker stretches between pauses) are clustered on the voice into a few
   more groups than there are speakers, so that each small group is one voice.
2. Every way of joining those groups into the known number of speakers, and of choosing which
   speakers are the collectors (as many as the log says), is scored by how tight the voices
   are (duration-weighted within-speaker scatter, the Ward criterion) minus
   ``text_weight`` times how well the words fit the roles (the summed collector log-odds of a
   small text model, positive for collectors and negative for the others).
3. The best grouping wins. The groups are few (speakers + 3), so the search is exact.
4. A piece the grouping left with the other party although its words are a collector's (the
   rule cues of :func:`pipelines.roles.collector_score`) *and* its voice is closer to a
   collector speaker than to the rest of its own goes to that collector
   (:func:`move_contradicted`; words alone moved debtors' lines too, docs/voiceprints.md,
   session 9).

The text model (:class:`RoleTextModel`) is a character n-gram logistic regression trained on
the lines bundled in ``pipelines/data/roles/`` (collector and other-party speech written for
this purpose, none taken from the evaluation corpus); its fitted arrays ship beside them.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipelines.diarization.clustering import anchor_pieces, cluster_embeddings

DATA = Path(__file__).parent / "data" / "roles"
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


class RoleTextModel:
    """How much a stretch of speech sounds like a collector (log-odds; > 0 collector).

    Args:
        collector: lines said by collectors.
        contact: lines said by debtors, relatives or third parties.
        clip: scores are clipped to ``[-clip, clip]`` so that one long piece cannot outvote
            the voice on its own.
    """

    def __init__(self, collector: Sequence[str], contact: Sequence[str], *, clip: float = 3.0) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        from audit.rules.learned import NgramScorer

        if not collector or not contact:
            raise ValueError("the role text model needs lines for both sides (collector and contact)")
        self.clip = clip
        texts = [self.normalize(t) for t in (*collector, *contact)]
        labels = np.array([1] * len(collector) + [0] * len(contact))
        vectorizer = TfidfVectorizer(**_VECTORIZER)
        features = vectorizer.fit_transform(texts)
        model = LogisticRegression(**_REGRESSION)
        model.fit(features, labels)
        self._scorer = NgramScorer.fitted(vectorizer, model)

    @classmethod
    def from_scorer(cls, scorer, *, clip: float = 3.0) -> RoleTextModel:
        """A model from its fitted arrays (:class:`audit.rules.learned.NgramScorer`)."""
        model = cls.__new__(cls)
        model.clip, model._scorer = clip, scorer
        return model

    @classmethod
    def bundled(cls) -> RoleTextModel:
        """The model of ``pipelines/data/roles/{collector,contact}.txt``: its fitted arrays ship in
        ``model.npz`` (:func:`write_bundled`), so no process pays for the fit (about a second,
        and scikit-learn's import); a file that no longer matches the lines is not used."""
        from audit.rules.learned import NgramScorer

        collector, contact = _lines(DATA / "collector.txt"), _lines(DATA / "contact.txt")
        try:
            with np.load(DATA / "model.npz") as shipped:
                if str(shipped["digest"]) == _digest(collector, contact):
                    return cls.from_scorer(NgramScorer(**{k: shipped[k] for k in shipped.files if k != "digest"}))
        except FileNotFoundError:
            pass
        return cls(collector, contact)

    @staticmethod
    def normalize(text: str) -> str:
        from audit.text import to_simplified

        # lower case: "APP" and "app" are one word (the vectorizer's own lowercasing, done here)
        return _NOISE.sub("", to_simplified(text or "", phrases=True)).lower()

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Collector log-odds per text; empty texts (no words heard) score 0."""
        clean = [self.normalize(t) for t in texts]
        out = np.zeros(len(clean))
        spoken = [i for i, t in enumerate(clean) if t]
        if spoken:
            margins = self._scorer.scores([clean[i] for i in spoken])[:, 0]
            out[spoken] = np.clip(margins, -self.clip, self.clip)
        return out


# the fit of RoleTextModel (normalize lower-cases the text itself); _digest holds them too
_VECTORIZER: dict = {"analyzer": "char", "ngram_range": (1, 3), "sublinear_tf": True, "lowercase": False}
_REGRESSION: dict = {"C": 4.0, "solver": "liblinear", "random_state": 0}


def _lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _digest(collector: Sequence[str], contact: Sequence[str]) -> str:
    """What the bundled model was trained from (the lines and the settings of RoleTextModel)."""
    import hashlib
    import json

    blob = json.dumps([_VECTORIZER, _REGRESSION, "lower", list(collector), list(contact)], ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def write_bundled(path: Path | None = None) -> Path:
    """Train the bundled model and write its arrays (run after editing the lines:
    ``python -c "from pipelines.speakers import write_bundled; write_bundled()"``)."""
    collector, contact = _lines(DATA / "collector.txt"), _lines(DATA / "contact.txt")
    path = path or DATA / "model.npz"
    arrays = RoleTextModel(collector, contact)._scorer.arrays()
    np.savez_compressed(path, digest=np.array(_digest(collector, contact)), **arrays)
    return path


_MODEL: RoleTextModel | None = None
_MODEL_LOCK = threading.Lock()


def role_text_model() -> RoleTextModel:
    """The bundled text model, loaded once per process."""
    global _MODEL
    with _MODEL_LOCK:
        if _MODEL is None:
            _MODEL = RoleTextModel.bundled()
    return _MODEL


@dataclass(frozen=True)
class Attribution:
    """The outcome of :func:`attribute`: a speaker per piece and which speakers are collectors."""

    labels: np.ndarray
    agents: frozenset[int]


def set_partitions(items: Sequence[int], k: int) -> Iterator[list[list[int]]]:
    """Every partition of ``items`` into exactly ``k`` non-empty blocks."""
    if k == 0:
        if not items:
            yield []
        return
    if len(items) < k:
        return
    first, rest = items[0], items[1:]
    for partition in set_partitions(rest, k - 1):
        yield [[first], *partition]
    for partition in set_partitions(rest, k):
        for i in range(len(partition)):
            yield [*partition[:i], [first, *partition[i]], *partition[i + 1:]]


def _scatter(embeddings: np.ndarray, weights: np.ndarray) -> float:
    """Duration-weighted squared distance of the vectors to their weighted mean (Ward)."""
    mean = (embeddings * weights[:, None]).sum(axis=0) / weights.sum()
    return float((weights * np.square(embeddings - mean).sum(axis=1)).sum())


def attribute(embeddings: np.ndarray, durations: np.ndarray, text_scores: np.ndarray, *,
              speakers: int, agents: int, text_weight: float = 0.1, extra_groups: int = 3,
              min_duration: float = 1.0, voice_fit: Callable[[list[np.ndarray]], float] | None = None
              ) -> Attribution:
    """Group pieces into ``speakers`` voices and pick ``agents`` of them as the collectors.

    Args:
        embeddings: one unit speaker embedding per piece.
        durations: piece lengths in seconds (weights of the voice scatter).
        text_scores: collector log-odds of each piece's words (:meth:`RoleTextModel.scores`).
        speakers: how many people spoke (from the log, or estimated).
        agents: how many of them are collectors (``1 <= agents < speakers``).
        text_weight: how much one unit of text log-odds weighs against the voice scatter.
            0 leaves the grouping to the voice and the words only pick the collectors.
        extra_groups: the voice is first split into ``speakers + extra_groups`` groups.
        min_duration: pieces shorter than this do not shape the voice groups (noisy
            embeddings); they join the nearest group.
        voice_fit: how well the chosen collector speakers (one boolean piece mask each) sound
            like the collectors the log names, in the units of the scatter (subtracted from it;
            :func:`pipelines.voice_anchors.anchors_for`); ``None``: not used.

    Returns:
        Speaker index per piece (``0 .. speakers-1``) and the set of collector indices.
    """
    n = len(embeddings)
    if not 1 <= agents < speakers:
        raise ValueError(f"need 1 <= agents < speakers, got agents={agents}, speakers={speakers}")
    if n == 0:
        return Attribution(np.zeros(0, dtype=int), frozenset())
    usable = len(anchor_pieces(durations, min_duration))
    groups = cluster_embeddings(embeddings, durations, num_speakers=min(speakers + extra_groups, usable),
                                min_duration=min_duration)
    found = sorted(set(groups.tolist()))
    groups = np.searchsorted(found, groups)
    k = min(speakers, len(found))
    best: tuple[tuple[float, float], list[list[int]], tuple[int, ...]] | None = None
    for partition in set_partitions(list(range(len(found))), k):
        members = [np.isin(groups, block) for block in partition]
        scatter = sum(_scatter(embeddings[m], durations[m]) for m in members)
        text = [float(text_scores[m].sum()) for m in members]
        for chosen in itertools.combinations(range(k), min(agents, k - 1) if k > 1 else 1):
            fit = sum(t if i in chosen else -t for i, t in enumerate(text))
            anchored = voice_fit([members[i] for i in chosen]) if voice_fit is not None else 0.0
            key = (round(scatter - text_weight * fit - anchored, 9), -fit)  # ties (and weight 0): the words pick
            if best is None or key < best[0]:
                best = (key, partition, chosen)
    assert best is not None
    _, partition, chosen = best
    labels = np.zeros(n, dtype=int)
    for index, block in enumerate(partition):
        labels[np.isin(groups, block)] = index
    return Attribution(labels, frozenset(chosen))


# a piece of a non-collector speaker whose words are a collector's: "off", "words" (moved to the
# collector speaker its voice is closest to) or "both" (only if its voice is also closer to that
# collector speaker than to the rest of its own speaker). docs/voiceprints.md, session 9: "words"
# raised attribution most but cost DER on corpus_heldout6; "both" lowered DER and moved no debtor
CONTRADICTED = "both"
CONTRADICTED_MODEL: float | None = None  # "both": or the text model's log-odds of the piece above this (None: off)


def move_contradicted(labels: np.ndarray, agents: frozenset[int], embeddings: np.ndarray, durations: np.ndarray,
                      texts: Sequence[str], *, mode: str | None = None,
                      text_scores: np.ndarray | None = None) -> np.ndarray:
    """Pieces the grouping left with the other party although their words are a collector's (the
    rule cues of :func:`pipelines.roles.collector_score` > 0: an introduction, the debt, a demand),
    given to a collector speaker (see :data:`CONTRADICTED`). Returns new labels."""
    from pipelines.roles import collector_score

    mode = CONTRADICTED if mode is None else mode
    labels = np.asarray(labels).copy()
    if mode == "off" or not agents or len(agents) == len(set(labels.tolist())):
        return labels
    if mode not in ("words", "both"):
        raise ValueError(f"unknown mode {mode!r}: off, words or both")
    weighted = embeddings * np.asarray(durations, dtype=float)[:, None]
    sums = {k: weighted[labels == k].sum(axis=0) for k in set(labels.tolist())}
    moved = labels.copy()
    for i in np.flatnonzero(~np.isin(labels, list(agents))):
        if collector_score([texts[i]]) <= 0:
            continue
        near = {a: _cosine(embeddings[i], sums[a]) for a in agents}
        target = max(near, key=lambda a: near[a])
        own = sums[labels[i]] - weighted[i]
        sure = CONTRADICTED_MODEL is not None and text_scores is not None and text_scores[i] > CONTRADICTED_MODEL
        if mode == "words" or sure or not np.any(own) or near[target] > _cosine(embeddings[i], own):
            moved[i] = target
    return moved


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / max(float(np.linalg.norm(a) * np.linalg.norm(b)), 1e-9))
