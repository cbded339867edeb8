"""Grouping piece embeddings by speaker, and naming the groups as turns.

Agglomerative (Ward by default) or spectral clustering of the unit GE2E embeddings, with the
speaker count given or estimated by silhouette; then the labels become :class:`Turn` objects
named ``S0``, ``S1``, ... in order of first appearance. The embedded diarizer clusters on the
voice alone; :mod:`pipelines.speakers` reuses these pieces to decide speakers and roles
together. The agglomerative tree is SciPy's (what scikit-learn's ``AgglomerativeClustering``
builds without a connectivity graph) and is cut as scikit-learn cuts it, so the labels are the
same without importing scikit-learn (seconds of every batch's start); scikit-learn's k-means
is used only by the spectral option.
"""

from __future__ import annotations

import numpy as np

from pipelines.diarization.base import Turn
from pipelines.diarization.embedding import unit


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
        anchor_labels = agglomerative_labels(embeddings[anchors], k, linkage)
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
    rows = unit(vectors[:, :k])
    return KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(rows)


def _centroids(embeddings: np.ndarray, weights: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    return unit(np.stack([(embeddings[labels == c] * weights[labels == c, None]).sum(axis=0)
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
    scores: dict[int, float] = {}
    tree = _tree(embeddings, "ward")
    cosine = cosine_distances(embeddings)
    for k in range(max(2, min_speakers), min(max_speakers, n - 1) + 1):
        scores[k] = silhouette(cosine, _cut(tree, k, n))
    if not scores:  # too few pieces to compare counts: two pieces, two voices
        return max(1, min(max_speakers, max(2, min_speakers), n))
    best = max(scores.values())
    # Parsimony: silhouettes of neighbouring counts are often within noise of each other,
    # and an extra phantom speaker costs more than a missed one that the manifest can supply.
    return min(k for k, score in scores.items() if score >= best - margin)


def _tree(x: np.ndarray, linkage: str) -> np.ndarray:
    """The merges (children pairs, in merge order) of the agglomerative tree of ``x``: Ward on the
    vectors (Euclidean on unit vectors orders pairs like cosine does), or ``linkage`` on cosine
    distances."""
    from scipy.cluster import hierarchy

    x = np.require(x, requirements="W")
    tree = hierarchy.ward(x) if linkage == "ward" else hierarchy.linkage(x, method=linkage, metric="cosine")
    return tree[:, :2].astype(np.intp)


def _cut(children: np.ndarray, k: int, n: int) -> np.ndarray:
    """Labels of ``k`` clusters: the last ``k - 1`` merges undone, the clusters numbered in the
    order scikit-learn's ``_hc_cut`` numbers them (the remaining nodes on its heap)."""
    import heapq

    nodes = [-(int(max(children[-1])) + 1)]
    for _ in range(k - 1):
        first, second = children[-nodes[0] - n]
        heapq.heappush(nodes, -int(first))
        heapq.heappushpop(nodes, -int(second))
    labels = np.zeros(n, dtype=np.intp)
    for index, node in enumerate(nodes):
        stack = [-node]
        while stack:
            current = stack.pop()
            if current < n:
                labels[current] = index
            else:
                stack.extend(int(c) for c in children[current - n])
    return labels


def agglomerative_labels(x: np.ndarray, k: int, linkage: str = "ward") -> np.ndarray:
    """``AgglomerativeClustering(n_clusters=k, linkage=linkage)`` (cosine unless Ward), fit on ``x``."""
    if linkage not in ("ward", "average", "complete", "single"):
        raise ValueError(f"unknown linkage {linkage!r}")
    if linkage != "ward" and not np.all(np.any(x, axis=1)):
        raise ValueError("cosine linkage cannot cluster a zero vector")
    return _cut(_tree(x, linkage), k, len(x))


def cosine_distances(x: np.ndarray) -> np.ndarray:
    """Pairwise cosine distances as scikit-learn's silhouette computes them: rows normalised and
    multiplied in ``x``'s precision, clipped to [0, 2], zero diagonal."""
    norms = np.sqrt(np.einsum("ij,ij->i", x, x))
    norms[norms == 0.0] = 1.0
    rows = x / norms[:, None]
    distances = rows @ rows.T.copy()  # a copy: numpy's symmetric product rounds differently
    distances *= -1
    distances += 1
    np.clip(distances, 0.0, 2.0, out=distances)
    np.fill_diagonal(distances, 0.0)
    return distances


def silhouette(distances: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette coefficient of ``labels`` over a distance matrix, computed as
    scikit-learn's ``silhouette_score`` computes it (same precision; a sample alone in its
    cluster scores 0)."""
    k = int(labels.max()) + 1
    n = len(labels)
    counts = np.bincount(labels, minlength=k)
    sums = np.zeros((n, k), dtype=distances.dtype)
    for i in range(n):
        sums[i] += np.bincount(labels, weights=distances[i], minlength=k)
    own = (np.arange(n), labels)
    intra = sums[own]
    sums[own] = np.inf
    sums /= counts
    inter = sums.min(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        intra /= (counts - 1).take(labels, mode="clip")
        scores = inter - intra
        scores /= np.maximum(intra, inter)
    return float(np.mean(np.nan_to_num(scores)))


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
