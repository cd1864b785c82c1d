"""The music map's task, and the signal that schedules it when embeddings are written.

Analyses write ``TrackEmbedding`` rows; each write marks its version's map stale, and the first mark
schedules one computation a little later (``REFRESH_DELAY_S``), so a batch of analyses costs one layout.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from catalog.models import TrackEmbedding
from recommender.explore.music_map import compute_map, mark_stale

__all__ = ["REFRESH_DELAY_S", "compute_music_map", "schedule_refresh"]

logger = logging.getLogger(__name__)
REFRESH_DELAY_S = 60
QUEUE = "index"
"""With the vector index rebuilds: batch work over all embeddings, kept off the analysis queue."""


@shared_task(name="explore.compute_music_map", acks_late=True, time_limit=1800, soft_time_limit=1700)
def compute_music_map(model_version: str) -> int:
    """Lay out every embedding of ``model_version``; returns the number of points. Idempotent."""
    music_map = compute_map(model_version)
    logger.info(
        "music map %s: %d tracks by %s in %.1f s",
        model_version,
        music_map.track_count,
        music_map.layout,
        music_map.compute_seconds,
    )
    return music_map.track_count


def schedule_refresh(model_version: str, delay_s: int = REFRESH_DELAY_S) -> bool:
    """Schedule a computation unless one is already pending for the version; True when scheduled."""
    if not mark_stale(model_version):
        return False
    compute_music_map.apply_async(args=[model_version], countdown=delay_s, queue=QUEUE)
    return True


@receiver(post_save, sender=TrackEmbedding, dispatch_uid="explore.embedding_saved")
def embedding_saved(sender, instance: TrackEmbedding, **kwargs) -> None:
    # After the analysis commits, and robust: a map that cannot be scheduled (broker down) is logged,
    # never a reason to fail or slow the analysis that wrote the embedding.
    version = instance.model_version
    transaction.on_commit(lambda: schedule_refresh(version), robust=True)
