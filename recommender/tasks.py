"""Bulk jobs of the recommender: rebuild the compact score table and listener profiles."""

from __future__ import annotations

from celery import shared_task
from django.contrib.auth import get_user_model

from recommender.services.profiles.accumulate import rebuild_profile
from recommender.services.scores import refresh_all, refresh_track_scores

__all__ = ["rebuild_profiles", "refresh_scores"]


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
