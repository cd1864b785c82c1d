"""Boosts added to any strategy's relevance: the style sliders and the listener's profile."""

from __future__ import annotations

import numpy as np

from recommender.services.layout import layout
from recommender.services.playlists.context import Context
from recommender.services.playlists.errors import PlaylistError
from recommender.services.playlists.snapshot import column_mix
from recommender.services.similarity import nearest_to_vector

__all__ = ["PROFILE_WEIGHT", "STYLE_WEIGHT", "personal_boost", "style_boost"]

STYLE_WEIGHT = 0.6
"""A style slider at full pulls as hard as 0.6 of a perfect mood match."""
PROFILE_WEIGHT = 0.3
"""A confident profile adds up to 0.3: enough to reorder near-equal tracks, never to override the mood."""


def style_boost(ctx: Context) -> np.ndarray | None:
    weights = {name: float(w) for name, w in ctx.request.genres.items() if w > 0}
    if not weights:
        return None
    index = layout().genre_index
    unknown = set(weights) - set(index)
    if unknown:
        raise PlaylistError(f"unknown style {sorted(unknown)[0]!r}")
    vector = np.zeros(len(index), dtype=np.float32)
    for name, weight in weights.items():
        vector[index[name]] = weight
    # Mean genre score under the sliders' weights, scaled by how far the strongest slider is pushed.
    return STYLE_WEIGHT * max(weights.values()) * column_mix(ctx.snapshot.genres, vector) / vector.sum()


def personal_boost(ctx: Context, k: int) -> np.ndarray | None:
    """Family affinity (the profile's share minus the catalogue's, per family) plus closeness to the taste
    vector for its ``k`` nearest tracks (through the similarity facade), scaled by profile confidence."""
    taste = ctx.taste
    if taste is None or taste.confidence <= 0:
        return None
    affinity = column_mix(ctx.snapshot.families, taste.family_affinity)
    scale = float(np.abs(affinity).max()) or 1.0
    boost = 0.5 * affinity / scale
    if taste.taste_vector is not None:
        closeness = np.zeros(len(ctx.snapshot), dtype=np.float32)
        for neighbour in nearest_to_vector(
            taste.taste_vector, user=ctx.user, model_version=ctx.snapshot.model_version, k=k
        ):
            row = ctx.snapshot.row_of.get(neighbour.track_id)
            if row is not None:
                closeness[row] = max(neighbour.similarity, 0.0)
        ctx.extras["taste_closeness"] = closeness
        boost = boost + 0.5 * closeness
    return PROFILE_WEIGHT * taste.confidence * boost
