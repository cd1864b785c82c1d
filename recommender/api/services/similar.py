"""Similar tracks for the API, through the similarity facade (recommender.services.similarity): this
module only turns the request's options into facade filters and loads the neighbours' rows in order."""

from __future__ import annotations

from dataclasses import dataclass

from catalog.models import Track
from recommender.services.similarity import SimilarityFilters, similar_tracks

__all__ = ["SimilarTrack", "similar_to"]


@dataclass(frozen=True)
class SimilarTrack:
    similarity: float
    track: Track


def similar_to(
    track: Track,
    *,
    user,
    k: int,
    exclude_same_artist: bool = False,
    exclude_ids: frozenset[int] = frozenset(),
) -> list[SimilarTrack]:
    """The ``k`` tracks ``user`` may see that sound most like ``track``, most similar first."""
    filters = SimilarityFilters(
        exclude_track_ids=frozenset(exclude_ids),
        exclude_artist_ids=frozenset({track.artist_id}) if exclude_same_artist else frozenset(),
    )
    neighbours = similar_tracks(track, user=user, k=k, filters=filters)
    rows = Track.objects.select_related("artist").in_bulk([n.track_id for n in neighbours])
    return [SimilarTrack(n.similarity, rows[n.track_id]) for n in neighbours if n.track_id in rows]
