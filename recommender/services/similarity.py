"""The one place that answers "which tracks sound like this?".

Callers (track pages, playlists, profiles, the partner API, Subsonic) ask through this facade and never
query embeddings themselves, so the backend is chosen per query here:

- filters an index file cannot apply cheaply (mood families, genres, a scope narrower than "visible")
  -> **pgvector** HNSW with per-query ``ef_search`` and iterative scans (``similarity_pgvector``);
- the unfiltered hot path (a track page, a radio seed) -> the memory-mapped **Annoy** file
  (``similarity_annoy``), corrected by the database for visibility and newer tracks, and falling back to
  pgvector when the file is missing, stale, of another model version or short of candidates.

Results are restricted to what ``user`` may see and to one embedding space (model version): vectors of
different model versions are never compared.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from catalog.models import Track, TrackEmbedding
from recommender.services.similarity_annoy import IndexUnavailable, annoy_neighbours
from recommender.services.similarity_filters import Scope, SimilarityFilters
from recommender.services.similarity_pgvector import pgvector_neighbours

__all__ = [
    "BACKENDS",
    "Neighbour",
    "Scope",
    "SimilarityAnswer",
    "SimilarityFilters",
    "nearest_to_vector",
    "search",
    "similar_tracks",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Neighbour:
    """A track near the query; ``similarity`` is the cosine similarity of the two embeddings."""

    track_id: int
    similarity: float


@dataclass(frozen=True)
class SimilarityAnswer:
    """Neighbours and which backend found them (``fallback`` says why the preferred one could not)."""

    neighbours: list[Neighbour]
    backend: str
    fallback: str = ""


Backend = Callable[..., list[tuple[int, float]]]
BACKENDS: dict[str, Backend] = {"pgvector": pgvector_neighbours, "annoy": annoy_neighbours}
"""Backends by name; each takes ``(vector, *, user, model_version, k, filters)``."""


def search(
    vector: Sequence[float],
    *,
    user,
    model_version: str,
    k: int = 10,
    filters: SimilarityFilters | None = None,
    backend: str = "auto",
) -> SimilarityAnswer:
    """Like :func:`nearest_to_vector`, saying which backend answered. ``backend="auto"`` chooses (see the
    module docs); a named backend is used as is, without fallback (benchmarks, tests)."""
    filters = filters or SimilarityFilters()
    if backend != "auto":
        pairs = BACKENDS[backend](vector, user=user, model_version=model_version, k=k, filters=filters)
        return SimilarityAnswer(_neighbours(pairs), backend)
    fallback = ""
    if not filters.needs_database:
        try:
            pairs = annoy_neighbours(vector, user=user, model_version=model_version, k=k, filters=filters)
            return SimilarityAnswer(_neighbours(pairs), "annoy")
        except IndexUnavailable as exc:
            fallback = str(exc)
            logger.debug("similarity: annoy unavailable (%s), asking pgvector", fallback)
    pairs = pgvector_neighbours(vector, user=user, model_version=model_version, k=k, filters=filters)
    return SimilarityAnswer(_neighbours(pairs), "pgvector", fallback)


def nearest_to_vector(
    vector: Sequence[float],
    *,
    user,
    model_version: str,
    k: int = 10,
    filters: SimilarityFilters | None = None,
) -> list[Neighbour]:
    """The ``k`` tracks visible to ``user`` whose ``model_version`` embedding is closest to ``vector``."""
    return search(vector, user=user, model_version=model_version, k=k, filters=filters).neighbours


def similar_tracks(
    track: Track, *, user, k: int = 10, filters: SimilarityFilters | None = None
) -> list[Neighbour]:
    """Tracks that sound like ``track`` (never ``track`` itself), in its embedding's model version."""
    embedding = TrackEmbedding.objects.filter(track=track).first()
    if embedding is None:
        return []
    filters = (filters or SimilarityFilters()).excluding(track_ids={track.pk})
    return nearest_to_vector(
        embedding.vector, user=user, model_version=embedding.model_version, k=k, filters=filters
    )


def _neighbours(pairs: list[tuple[int, float]]) -> list[Neighbour]:
    return [Neighbour(track_id=track_id, similarity=similarity) for track_id, similarity in pairs]
