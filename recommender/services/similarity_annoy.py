"""Nearest neighbours from the Annoy file, kept exact with respect to the database.

The file is a snapshot: tracks may have been deleted, made private or re-analysed since, and new ones
added. So Annoy only proposes candidates; the database decides:

1. Annoy returns ``k`` plus a margin of candidates (over-fetch for the exclusions and vanished rows);
2. one indexed query keeps the candidates the listener may see that pass the exclusions and whose row is
   not newer than the file's watermark (a re-analysed track's vector in the file is out of date), adds
   the rows newer than the watermark (few: the rebuild follows changes within a minute), and ranks both
   by their exact distance, computed by PostgreSQL on these few rows.

When the file is missing, built for another model version, stale, or cannot fill ``k`` from its
candidates, :class:`IndexUnavailable` tells the facade to ask pgvector instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import ExpressionWrapper, FloatField, Q, Value
from pgvector.django import CosineDistance

from catalog.models import TrackEmbedding
from recommender.services.similarity_filters import SimilarityFilters, filter_q
from recommender.services.similarity_index import index_store, is_fresh

__all__ = ["IndexUnavailable", "annoy_neighbours"]

OVERFETCH = 20
"""Extra candidates beyond ``k`` and the explicit exclusions, for private or deleted tracks among them."""


class IndexUnavailable(Exception):
    """The Annoy file cannot answer this query; the message says why (logged, shown by the benchmark)."""


def annoy_neighbours(
    vector: Sequence[float],
    *,
    user,
    model_version: str,
    k: int,
    filters: SimilarityFilters,
    search_k: int | None = None,
) -> list[tuple[int, float]]:
    """``(track_id, cosine similarity)`` of the ``k`` nearest visible tracks, nearest first."""
    if filters.needs_database:
        raise IndexUnavailable("tag or scope filters are answered by pgvector")
    loaded = index_store().current()
    if loaded is None:
        raise IndexUnavailable("no index file")
    manifest = loaded.manifest
    built_for = manifest.metadata.get("model_version")
    if built_for != model_version:
        raise IndexUnavailable(f"index built for {built_for}, not {model_version}")
    if not is_fresh(manifest):
        raise IndexUnavailable(f"index stale (last fresh {manifest.fresh_at.isoformat()})")
    watermark = datetime.fromisoformat(manifest.metadata["watermark"])
    wanted = k + len(filters.exclude_track_ids) + OVERFETCH
    hits = loaded.index.search(vector, wanted, accuracy=search_k)
    # One query: Annoy's candidates that the listener may still see and whose vector in the file is
    # current, plus every row written after the file's watermark; PostgreSQL computes the exact
    # distances of these few rows (ordering by an expression keeps it off the HNSW index).
    rows = (
        TrackEmbedding.objects.filter(filter_q(filters, user), model_version=model_version)
        .filter(Q(track_id__in=hits.ids.tolist(), embedded_at__lte=watermark) | Q(embedded_at__gt=watermark))
        .annotate(
            distance=ExpressionWrapper(
                CosineDistance("vector", list(map(float, vector))) + Value(0.0), output_field=FloatField()
            )
        )
        .order_by("distance", "track_id")
        .values_list("track_id", "distance")[:k]
    )
    found = [(track_id, 1.0 - float(distance)) for track_id, distance in rows]
    if len(found) < k and len(hits) == wanted:
        # More tracks may exist beyond the candidates Annoy gave: only pgvector can say.
        raise IndexUnavailable(f"{len(found)} of {k} left after filtering {wanted} candidates")
    return found[:k]
