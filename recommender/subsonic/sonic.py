"""The OpenSubsonic ``sonicSimilarity`` extension over Moodmix embeddings, through the similarity facade.

- similar tracks: the facade's neighbours, their cosine similarity clipped to [0, 1] (the extension's
  range; a negative cosine, "sounds unlike", is reported as 0);
- a sonic path: a route from one song to another along the great circle between their unit-length
  embeddings; each intermediate step is the nearest not-yet-used track to the point ``t`` of the way
  along. The facade answers every lookup, so visibility and model versions are handled in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from catalog.models import Track, TrackEmbedding
from recommender.services.similarity import SimilarityFilters, nearest_to_vector, similar_tracks
from recommender.subsonic.errors import ErrorCode, SubsonicError
from recommender.subsonic.library import visible_tracks

__all__ = ["MAX_COUNT", "SonicMatch", "similar", "sonic_path"]

MAX_COUNT = 200


@dataclass(frozen=True)
class SonicMatch:
    track: Track
    similarity: float


def similar(user, track: Track, count: int) -> list[SonicMatch]:
    if not TrackEmbedding.objects.filter(track=track).exists():
        raise SubsonicError(ErrorCode.NOT_FOUND, "Song has not been analysed yet")
    neighbours = similar_tracks(track, user=user, k=_bounded(count))
    tracks = visible_tracks(user).in_bulk([n.track_id for n in neighbours])
    return [SonicMatch(tracks[n.track_id], _unit(n.similarity)) for n in neighbours if n.track_id in tracks]


def sonic_path(user, start: Track, end: Track, count: int) -> list[SonicMatch]:
    """``count`` songs (both ends included, fewer if the catalogue runs out) easing from ``start`` to
    ``end``; each match's similarity is to the song before it, so a client can show how smooth each
    step is."""
    embeddings = {e.track_id: e for e in TrackEmbedding.objects.filter(track__in=[start, end])}
    if start.pk not in embeddings or end.pk not in embeddings:
        raise SubsonicError(ErrorCode.NOT_FOUND, "Both songs must have been analysed")
    version = embeddings[start.pk].model_version
    if embeddings[end.pk].model_version != version:
        raise SubsonicError(ErrorCode.GENERIC, "The two songs were analysed by different model versions")
    a = np.asarray(embeddings[start.pk].vector, dtype=np.float64)
    b = np.asarray(embeddings[end.pk].vector, dtype=np.float64)
    count = max(2, _bounded(count))
    route, used = [start.pk], {start.pk, end.pk}
    for step in range(1, count - 1):
        target = _slerp(a, b, step / (count - 1))
        found = nearest_to_vector(
            target, user=user, model_version=version, k=1, filters=SimilarityFilters(frozenset(used))
        )
        if not found:
            break
        route.append(found[0].track_id)
        used.add(found[0].track_id)
    route.append(end.pk)
    return _with_step_similarity(user, route)


def _with_step_similarity(user, route: list[int]) -> list[SonicMatch]:
    tracks = visible_tracks(user).in_bulk(route)
    vectors = {
        e.track_id: np.asarray(e.vector, dtype=np.float64)
        for e in TrackEmbedding.objects.filter(track_id__in=route)
    }
    matches, previous = [], None
    for pk in route:
        similarity = 1.0 if previous is None else _unit(float(vectors[previous] @ vectors[pk]))
        matches.append(SonicMatch(tracks[pk], similarity))
        previous = pk
    return matches


def _slerp(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    """Spherical interpolation: points on the unit sphere, where cosine similarity is meaningful
    (a straight line between two unit vectors dips towards the origin, where every track is "far")."""
    a, b = a / np.linalg.norm(a), b / np.linalg.norm(b)
    omega = float(np.arccos(np.clip(a @ b, -1.0, 1.0)))
    if omega < 1e-6:
        return a
    mixed = (np.sin((1 - t) * omega) * a + np.sin(t * omega) * b) / np.sin(omega)
    return mixed / np.linalg.norm(mixed)


def _unit(similarity: float) -> float:
    return round(min(max(similarity, 0.0), 1.0), 6)


def _bounded(count: int) -> int:
    return max(1, min(count, MAX_COUNT))
