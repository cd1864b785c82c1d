"""Registry of 2-D layouts for the music map: ``@layout("umap")`` registers a function from unit-length
embeddings (n x d) to coordinates (n x 2).

UMAP (McInnes, Healy & Melville 2018, arXiv:1802.03426) keeps neighbourhoods: tracks that sound alike
end up close, which is what a listener reads from a map. PCA is for catalogues too small for a
neighbour graph and as a fallback: it keeps only the two directions of largest variance.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["LAYOUTS", "SEED", "UMAP_MIN_POINTS", "choose_layout", "layout", "normalise"]

Layout = Callable[[np.ndarray, int], np.ndarray]
LAYOUTS: dict[str, Layout] = {}
SEED = 42
"""Fixed so a recomputed map of unchanged embeddings looks the same."""
UMAP_MIN_POINTS = 30
"""Below this, UMAP's 15-neighbour graph spans the whole catalogue and its spectral start can fail."""


def layout(name: str) -> Callable[[Layout], Layout]:
    def register(function: Layout) -> Layout:
        LAYOUTS[name] = function
        return function

    return register


@layout("umap")
def umap_layout(vectors: np.ndarray, seed: int) -> np.ndarray:
    import umap  # imported here: numba compiles on import, a cost only the map task should pay

    reducer = umap.UMAP(
        n_neighbors=min(15, len(vectors) - 1),
        min_dist=0.1,
        metric="cosine",
        random_state=seed,
        n_jobs=1,  # a fixed seed is only reproducible single-threaded
        low_memory=True,
    )
    return reducer.fit_transform(vectors)


@layout("pca")
def pca_layout(vectors: np.ndarray, seed: int) -> np.ndarray:
    from sklearn.decomposition import PCA

    if len(vectors) < 3:
        return np.column_stack([np.arange(len(vectors), dtype=float), np.zeros(len(vectors))])
    return PCA(n_components=2, random_state=seed).fit_transform(vectors)


def choose_layout(n_points: int, preferred: str) -> str:
    return preferred if n_points >= UMAP_MIN_POINTS else "pca"


def normalise(coords: np.ndarray, margin: float = 0.02) -> np.ndarray:
    """Scale to [margin, 1 - margin] on both axes keeping the aspect ratio (distances mean something)."""
    coords = coords - coords.min(axis=0)
    span = float(coords.max()) or 1.0
    return margin + coords / span * (1 - 2 * margin)
