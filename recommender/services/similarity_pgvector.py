"""Nearest neighbours from PostgreSQL: pgvector's HNSW index, tuned per query, exact as a last resort.

Per query, inside one transaction (``SET LOCAL`` semantics via ``set_config(..., true)``, so a pooled
connection never keeps them):

- ``hnsw.ef_search``: the size of the candidate list the graph walk keeps. 40 (pgvector's default)
  misses neighbours on clustered catalogues; ``EF_SEARCH`` = 100 keeps recall@10 >= 0.95 at 100k (see
  docs/benchmarks.md) for well under a millisecond more.
- ``hnsw.iterative_scan = strict_order`` (pgvector 0.8). Every query is filtered (one model version,
  what the listener may see, and any tag filters). Without it the index
  returns ``ef_search`` rows and PostgreSQL filters them afterwards, so a filter keeping 10% of the
  catalogue returns about ``ef_search / 10`` rows, fewer than ``k``. With it the scan resumes until ``k``
  rows pass the filter or ``hnsw.max_scan_tuples`` were visited. Strict order keeps the distance order
  exact, so no re-sort is needed.

When the index still finds fewer than ``k`` rows (a very selective filter exhausting ``max_scan_tuples``,
or rows the graph cannot reach), the same filters run once more as an exact scan: the filters then
select few rows, so computing every distance among them is cheap, and "k results when k exist" holds.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, transaction
from django.db.models import ExpressionWrapper, FloatField, Value
from pgvector.django import CosineDistance

from catalog.models import TrackEmbedding
from recommender.services.similarity_filters import SimilarityFilters, filter_q

__all__ = ["EF_SEARCH", "MAX_SCAN_TUPLES", "pgvector_neighbours"]

EF_SEARCH = 100
"""Default ``hnsw.ef_search``: see the module docs and docs/benchmarks.md for the recall it buys."""

MAX_SCAN_TUPLES = 20_000
"""``hnsw.max_scan_tuples`` for filtered queries (pgvector's default): a filter keeping 1% still finds
k=10 rows long before this; rarer ones fall through to the exact scan."""


def pgvector_neighbours(
    vector: Sequence[float],
    *,
    user,
    model_version: str,
    k: int,
    filters: SimilarityFilters,
    ef_search: int | None = None,
    iterative: bool = True,
    exact_fallback: bool = True,
) -> list[tuple[int, float]]:
    """``(track_id, cosine similarity)`` of the ``k`` nearest rows passing ``filters``, nearest first."""
    if k <= 0:
        return []
    query = list(map(float, vector))
    rows = TrackEmbedding.objects.filter(filter_q(filters, user), model_version=model_version)
    ordered = (
        rows.annotate(distance=CosineDistance("vector", query))
        .order_by("distance")
        .values_list("track_id", "distance")[:k]
    )
    with transaction.atomic():
        _configure(ef_search or max(EF_SEARCH, k), iterative=iterative)
        found = list(ordered)
    if len(found) < k and exact_fallback:
        # Ordering by an expression the index cannot serve makes PostgreSQL compute exact distances
        # over the rows the filters select.
        exact = (
            rows.annotate(
                distance=ExpressionWrapper(
                    CosineDistance("vector", query) + Value(0.0), output_field=FloatField()
                )
            )
            .order_by("distance", "track_id")
            .values_list("track_id", "distance")[:k]
        )
        found = list(exact)
    return [(track_id, 1.0 - float(distance)) for track_id, distance in found]


def _configure(ef_search: int, *, iterative: bool) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('hnsw.ef_search', %s, true), set_config('hnsw.iterative_scan', %s, true),"
            " set_config('hnsw.max_scan_tuples', %s, true)",
            [str(int(ef_search)), "strict_order" if iterative else "off", str(MAX_SCAN_TUPLES)],
        )
