"""Retrieval metrics over embeddings: triplet accuracy, precision@k and MAP@k by group, and the
recall@k of an approximate nearest-neighbour index against exact search.

"Relevant" means "same group" (the manifest's triplet group: soundtrack package, rendered style,
speech). Each clip queries all the others (leave-one-out); a clip whose group has no other member
cannot retrieve anything relevant and is left out of the averages (counted as "skipped").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from annoy import AnnoyIndex

__all__ = [
    "distance_matrix",
    "exact_neighbours",
    "precision_at_k",
    "map_at_k",
    "triplet_accuracy",
    "recall_at_k",
    "annoy_neighbours",
    "spread",
]


def _cosine(vectors: np.ndarray) -> np.ndarray:
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return 1.0 - unit @ unit.T


def _euclidean(vectors: np.ndarray) -> np.ndarray:
    squared = np.square(vectors).sum(1)
    return np.sqrt(np.maximum(squared[:, None] + squared[None, :] - 2.0 * vectors @ vectors.T, 0.0))


_DISTANCES: dict[str, Callable[[np.ndarray], np.ndarray]] = {"cosine": _cosine, "euclidean": _euclidean}


def distance_matrix(vectors: np.ndarray, metric: str = "cosine") -> np.ndarray:
    """(N, N) distances: "cosine" (1 - cosine similarity) or "euclidean"."""
    if metric not in _DISTANCES:
        raise ValueError(f"unknown metric {metric!r}; expected one of {sorted(_DISTANCES)}")
    return _DISTANCES[metric](np.asarray(vectors, dtype=np.float64))


def exact_neighbours(vectors: np.ndarray, k: int, metric: str = "cosine") -> np.ndarray:
    """(N, min(k, N - 1)) indices of each vector's k nearest others (itself excluded), nearest first;
    ties are broken by index so results are deterministic."""
    distances = distance_matrix(vectors, metric)
    k = min(k, len(distances) - 1)
    np.fill_diagonal(distances, np.inf)
    return np.argsort(distances, axis=1, kind="stable")[:, :k]


def _relevance(groups: Sequence, neighbours: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(N, k) relevance of each retrieved item, and per query the number of relevant items that exist."""
    groups = np.asarray(groups)
    relevant = groups[neighbours] == groups[:, None]
    available = np.array([(groups == g).sum() - 1 for g in groups])
    return relevant, available


def precision_at_k(vectors: np.ndarray, groups: Sequence, k: int = 5, metric: str = "cosine") -> dict:
    """Mean fraction of the k nearest neighbours in the query's group.

    Returns {"precision": float | None, "k" (capped at N - 1), "queries", "skipped"}."""
    relevant, available = _relevance(groups, exact_neighbours(vectors, k, metric))
    rows = available > 0
    value = float(relevant[rows].mean(axis=1).mean()) if rows.any() else None
    return {
        "precision": value,
        "k": relevant.shape[1],
        "queries": int(rows.sum()),
        "skipped": int((~rows).sum()),
    }


def map_at_k(vectors: np.ndarray, groups: Sequence, k: int = 5, metric: str = "cosine") -> dict:
    """Mean average precision at k: AP@k = sum_i P@i * rel_i / min(k, R), R = relevant items that exist.

    Returns {"map": float | None, "k", "queries", "skipped"}."""
    relevant, available = _relevance(groups, exact_neighbours(vectors, k, metric))
    rows = available > 0
    hits = np.cumsum(relevant, axis=1)
    precision_at_i = hits / np.arange(1, relevant.shape[1] + 1)
    ap = (precision_at_i * relevant).sum(axis=1) / np.maximum(np.minimum(relevant.shape[1], available), 1)
    value = float(ap[rows].mean()) if rows.any() else None
    return {
        "map": value,
        "k": relevant.shape[1],
        "queries": int(rows.sum()),
        "skipped": int((~rows).sum()),
    }


def triplet_accuracy(
    vectors: np.ndarray, groups: Sequence, *, n_triplets: int = 2000, seed: int = 0, metric: str = "cosine"
) -> dict:
    """Fraction of random triplets (anchor, positive from its group, negative from another) with
    d(anchor, positive) < d(anchor, negative); a tie counts as a failure.

    Anchors are drawn among clips whose group has another member. Returns {"accuracy": float | None,
    "triplets"}; None when no triplet can be formed."""
    groups = np.asarray(groups)
    distances = distance_matrix(vectors, metric)
    same = groups[:, None] == groups[None, :]
    np.fill_diagonal(same, False)
    anchors = np.flatnonzero(same.any(1) & (groups[:, None] != groups[None, :]).any(1))
    if anchors.size == 0:
        return {"accuracy": None, "triplets": 0}
    rng = np.random.default_rng(seed)
    correct = 0
    for anchor in rng.choice(anchors, size=n_triplets):
        positive = rng.choice(np.flatnonzero(same[anchor]))
        negative = rng.choice(np.flatnonzero(groups != groups[anchor]))
        correct += distances[anchor, positive] < distances[anchor, negative]
    return {"accuracy": correct / n_triplets, "triplets": n_triplets}


def recall_at_k(approximate: np.ndarray, exact: np.ndarray) -> float:
    """Mean over queries of |approximate ∩ exact| / k, for (N, k) neighbour-index arrays."""
    approximate, exact = np.asarray(approximate), np.asarray(exact)
    if approximate.shape != exact.shape:
        raise ValueError(f"shape mismatch: {approximate.shape} vs {exact.shape}")
    k = exact.shape[1]
    return float(np.mean([len(set(a) & set(e)) / k for a, e in zip(approximate, exact, strict=True)]))


def annoy_neighbours(vectors: np.ndarray, k: int, *, n_trees: int = 10, seed: int = 0) -> np.ndarray:
    """(N, k) neighbours of each vector (itself excluded) from an Annoy angular index with `n_trees`
    trees: the approximate index the catalogue serves, to compare with `exact_neighbours`."""
    vectors = np.asarray(vectors, dtype=np.float32)
    index = AnnoyIndex(vectors.shape[1], "angular")
    index.set_seed(seed)
    for i, vector in enumerate(vectors):
        index.add_item(i, vector)
    index.build(n_trees, n_jobs=1)
    out = np.empty((len(vectors), k), dtype=np.int64)
    for i in range(len(vectors)):
        found = [j for j in index.get_nns_by_item(i, k + 1) if j != i][:k]
        # Annoy may return fewer than asked; pad with -1 (never equal to a real index) so recall counts it.
        out[i] = found + [-1] * (k - len(found))
    return out


def spread(vectors: np.ndarray, groups: Sequence) -> float | None:
    """Median cosine similarity between items of different groups (e.g. clips of different real
    soundtracks): near 1 is a collapsed space where everything is "similar", near 0 a space that uses
    its dimensions. None with fewer than two groups."""
    vectors = np.asarray(vectors, dtype=np.float64)
    vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    groups = np.asarray(groups)
    different = np.triu(groups[:, None] != groups[None, :], 1)
    if not different.any():
        return None
    return float(np.median((vectors @ vectors.T)[different]))
