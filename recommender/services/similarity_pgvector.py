"""Nearest neighbours from PostgreSQL: pgvector's HNSW index, tuned per query, exact as a last resort.

Per query, inside one transaction (``SET LOCAL`` semantics via ``set_config(..., true)``, sent in the
same message as the query: see ``_run_configured``), so a pooled connection never keeps them:

- ``hnsw.ef_search``: the size of the candidate list the graph walk keeps. ``EF_SEARCH`` = 100 for
  the unfiltered path (visibility and model version only): recall@10 0.974 at 100k against 0.953 at
  pgvector's default 40 (docs/benchmarks.md).
- ``hnsw.iterative_scan = relaxed_order`` (pgvector 0.8): every query is filtered (one model version,
  what the listener may see, and maybe tags). Without iterative scans the index hands over ``ef_search``
  rows and PostgreSQL filters them afterwards, so a filter keeping 10% returns about ``ef_search / 10``
  rows: fewer than ``k`` half the time at ef_search 100 (measured). With it the scan resumes until
  ``k`` rows pass. Relaxed order gave better recall than strict order at the same cost (measured); the
  few rows are re-sorted here.
- Tag filters (mood family, genre) additionally over-fetch: ``FILTERED_EF_SEARCH`` = 1000 candidates in
  the first pass. Iterative scans alone kept recall@10 near 0.6-0.7 for a random 10% family filter at
  100k (the resumed scans wander away from the query), while a first pass of 1000 reaches 0.97; the
  iterative scan still guarantees ``k`` for more selective filters.

When the index still finds fewer than ``k`` rows (a very selective filter exhausting
``hnsw.max_scan_tuples``, or rows the graph cannot reach), the same filters run once more as an exact
scan: the filters then select few rows, so computing every distance among them is cheap, and "k results
when k exist" holds.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import ExpressionWrapper, FloatField, Value
from pgvector.django import CosineDistance

from catalog.models import TrackEmbedding
from recommender.services.similarity_filters import SimilarityFilters, filter_q

__all__ = ["EF_SEARCH", "FILTERED_EF_SEARCH", "MAX_SCAN_TUPLES", "pgvector_neighbours"]

EF_SEARCH = 100
"""Default ``hnsw.ef_search``: see the module docs and docs/benchmarks.md for the recall it buys."""
FILTERED_EF_SEARCH = 1000
"""``hnsw.ef_search`` of queries with mood family or genre filters (pgvector's maximum is 1000)."""

RELAXED_SLACK = 10
"""Rows fetched beyond k from a relaxed-order scan, so the k nearest of what it found come first."""

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
    # A relaxed-order scan may return rows slightly out of order, so LIMIT k could cut off a nearer row
    # that comes a little later: fetch RELAXED_SLACK more, sort them, keep k.
    ordered = (
        rows.annotate(distance=CosineDistance("vector", query))
        .order_by("distance")
        .values_list("track_id", "distance")[: k + (RELAXED_SLACK if iterative else 0)]
    )
    default_ef = FILTERED_EF_SEARCH if (filters.mood_family_ids or filters.genre_ids) else EF_SEARCH
    found = _run_configured(ordered, ef_search or max(default_ef, k), iterative=iterative)
    found = sorted(found, key=lambda row: (row[1], row[0]))[:k]
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


def _run_configured(queryset, ef_search: int, *, iterative: bool) -> list[tuple]:
    """Run ``queryset`` with the HNSW settings local to its transaction, in one round trip.

    The settings and the query go as one simple-protocol message: PostgreSQL runs the statements of one
    message in one implicit transaction, so ``set_config(..., true)`` (= ``SET LOCAL``) holds for the
    query and ends with it. That saves the BEGIN and COMMIT round trips of an explicit transaction (a
    third of the query's time at 100k, docs/benchmarks.md). With server-side binding (extended protocol,
    one statement per message) it falls back to an explicit transaction.
    """
    settings_sql = (
        "SELECT set_config('hnsw.ef_search', %s, true), set_config('hnsw.iterative_scan', %s, true), "
        "set_config('hnsw.max_scan_tuples', %s, true)"
    )
    settings_params = [str(int(ef_search)), "relaxed_order" if iterative else "off", str(MAX_SCAN_TUPLES)]
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (an anonymous listener's own tracks)
        return []
    if connection.settings_dict.get("OPTIONS", {}).get("server_side_binding"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(settings_sql, settings_params)
            cursor.execute(sql, params)
            return cursor.fetchall()
    with connection.cursor() as cursor:
        cursor.execute(f"{settings_sql}; {sql}", [*settings_params, *params])
        cursor.nextset()
        return cursor.fetchall()
