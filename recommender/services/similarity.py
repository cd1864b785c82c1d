"""The one place that answers "which tracks sound like this?".

Callers (track pages, playlists, profiles, the partner API, Subsonic) ask through this facade and never
query embeddings themselves, so the backend (pgvector HNSW, an Annoy file, exact numpy) can be chosen per
query here. Results are restricted to what ``user`` may see and to one embedding space (model version):
vectors of different model versions are never compared.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pgvector.django import CosineDistance

from catalog.models import Track, TrackEmbedding

__all__ = ["Neighbour", "SimilarityFilters", "nearest_to_vector", "similar_tracks"]


@dataclass(frozen=True)
class SimilarityFilters:
    """Restrictions every returned track satisfies."""

    exclude_track_ids: frozenset[int] = field(default_factory=frozenset)
    exclude_artist_ids: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Neighbour:
    """A track near the query; ``similarity`` is the cosine similarity of the two embeddings."""

    track_id: int
    similarity: float


def nearest_to_vector(
    vector: Sequence[float],
    *,
    user,
    model_version: str,
    k: int = 10,
    filters: SimilarityFilters | None = None,
) -> list[Neighbour]:
    """The ``k`` tracks visible to ``user`` whose ``model_version`` embedding is closest to ``vector``."""
    filters = filters or SimilarityFilters()
    visible = Track.objects.visible_to(user).values("pk")
    rows = (
        TrackEmbedding.objects.filter(model_version=model_version, track_id__in=visible)
        .exclude(track_id__in=filters.exclude_track_ids)
        .exclude(track__artist_id__in=filters.exclude_artist_ids)
        .annotate(distance=CosineDistance("vector", list(vector)))
        .order_by("distance")
        .values_list("track_id", "distance")[:k]
    )
    return [Neighbour(track_id=tid, similarity=1.0 - float(dist)) for tid, dist in rows]


def similar_tracks(
    track: Track, *, user, k: int = 10, filters: SimilarityFilters | None = None
) -> list[Neighbour]:
    """Tracks that sound like ``track`` (never ``track`` itself), in its embedding's model version."""
    embedding = TrackEmbedding.objects.filter(track=track).first()
    if embedding is None:
        return []
    filters = filters or SimilarityFilters()
    filters = SimilarityFilters(
        exclude_track_ids=filters.exclude_track_ids | {track.pk},
        exclude_artist_ids=filters.exclude_artist_ids,
    )
    return nearest_to_vector(
        embedding.vector, user=user, model_version=embedding.model_version, k=k, filters=filters
    )
