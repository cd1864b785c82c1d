"""Synthetic embeddings shaped like a catalogue (clusters on the unit sphere), for tests and benchmarks.
Plain numpy: the benchmark imports it without Django."""

from __future__ import annotations

import numpy as np

EMBEDDING_DIMENSIONS = 128


def synthetic_vectors(
    n: int, clusters: int, seed: int = 0, spread: float = 0.35
) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, EMBEDDING_DIMENSIONS))
    labels = np.arange(n) % clusters
    vectors = centres[labels] + spread * rng.normal(size=(n, EMBEDDING_DIMENSIONS))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32), labels
