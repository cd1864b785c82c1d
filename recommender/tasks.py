"""Celery tasks of the recommender.

Bulk jobs rebuild the compact score table and listener profiles. ``catalog.rebuild_index`` (routed to the
``index`` queue in ``recommender/celery.py``) is queued by
:func:`recommender.services.similarity_index.request_rebuild` (debounced, after analyses) and by Celery
beat every ``REBUILD_EVERY_S`` (a no-op verification when no embedding changed, which also keeps the file
from going stale).
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import InterfaceError, OperationalError

from recommender.services.profiles.accumulate import rebuild_profile
from recommender.services.scores import refresh_all, refresh_track_scores
from recommender.services.similarity_index import clear_rebuild_request, rebuild

__all__ = ["REBUILD_EVERY_S", "rebuild_index", "rebuild_profiles", "refresh_scores"]

logger = logging.getLogger(__name__)


@shared_task(name="recommender.refresh_track_scores", acks_late=True, time_limit=3600)
def refresh_scores(track_ids: list[int] | None = None) -> int:
    """Rebuild score rows of ``track_ids``, or of every analysed track. Idempotent."""
    return refresh_track_scores(track_ids) if track_ids else refresh_all()


@shared_task(name="recommender.rebuild_profiles", acks_late=True, time_limit=3600)
def rebuild_profiles(user_ids: list[int] | None = None) -> int:
    """Recompute profiles from the event logs (all listeners with events or uploads when None)."""
    if user_ids is None:
        users = get_user_model().objects.filter(listening_events__isnull=False).distinct()
        user_ids = list(users.values_list("pk", flat=True))
    for user_id in user_ids:
        rebuild_profile(user_id)
    return len(user_ids)


REBUILD_EVERY_S = 30 * 60
"""Beat period: well inside ``similarity_index.MAX_AGE`` so a healthy install never serves a stale file."""


@shared_task(
    name="catalog.rebuild_index",
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    max_retries=3,
    retry_backoff=30,
    soft_time_limit=3600,  # 1M vectors build in minutes (docs/benchmarks.md); an hour means stuck
    time_limit=3660,
)
def rebuild_index(force: bool = False) -> dict:
    """Rebuild (or verify) the Annoy file of the current model version; idempotent, so redelivery is
    harmless. Returns the outcome and the manifest's counts."""
    clear_rebuild_request()
    result = rebuild(force=force)
    manifest = result.manifest
    logger.info("rebuild_index: %s %s", result.outcome, result.detail)
    return {
        "outcome": result.outcome,
        "detail": result.detail,
        "build": manifest.build if manifest else None,
        "items": manifest.items if manifest else 0,
    }
