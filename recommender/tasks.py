"""Celery tasks of the similarity index (routed to the ``index`` queue in ``recommender/celery.py``).

``catalog.rebuild_index`` is queued by :func:`recommender.services.similarity_index.request_rebuild`
(debounced, after analyses) and by Celery beat every ``REBUILD_EVERY_S`` (a no-op verification when no
embedding changed, which also keeps the file from going stale).
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from recommender.services.similarity_index import clear_rebuild_request, rebuild

__all__ = ["REBUILD_EVERY_S", "rebuild_index"]

logger = logging.getLogger(__name__)

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
