"""Keep derived data in step with the catalogue, after commit: the compact score table and owners'
profiles, and the similarity index (an embedding written or deleted asks for a debounced rebuild in
``similarity_index.request_rebuild``).

Synchronous and cheap (a handful of queries per track); failures are logged, never raised into the
analysis or the editor's request that triggered them: the bulk task ``recommender.refresh_track_scores``
repairs any row missed.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from catalog.choices import TrackStatus
from catalog.models import AudioFeatures, Track, TrackAnalysis, TrackEmbedding, TrackGenre, TrackMood

logger = logging.getLogger(__name__)


def _refresh_after_commit(track_id: int) -> None:
    def refresh() -> None:
        from recommender.models import ListenerProfile
        from recommender.services.profiles.accumulate import rebuild_profile
        from recommender.services.scores import refresh_track_scores

        try:
            refresh_track_scores([track_id])
            owner_id = Track.objects.filter(pk=track_id).values_list("owner_id", flat=True).first()
            if owner_id and ListenerProfile.objects.filter(user_id=owner_id).exists():
                rebuild_profile(owner_id)  # their upload now counts as a weak positive
        except Exception:  # noqa: BLE001 - never fail the analysis or edit that triggered this
            logger.exception("could not refresh the scores of track %s", track_id)

    transaction.on_commit(refresh)


# No delete receivers on TrackMood/TrackGenre: any would cost every bulk delete of model rows a SELECT
# (Django cannot fast-delete with receivers). An editor's withdrawn verdict reaches playlists at the
# track's next refresh (re-analysis, another tag edit, or the bulk task).
@receiver(post_save, sender=TrackAnalysis)
@receiver(post_save, sender=AudioFeatures)
@receiver(post_save, sender=TrackMood)
@receiver(post_save, sender=TrackGenre)
def track_scores_changed(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    if sender in (TrackMood, TrackGenre) and instance.source != "editor":
        return  # model rows come with a TrackAnalysis save in the same transaction
    _refresh_after_commit(instance.track_id)


@receiver(post_save, sender=Track)
@receiver(post_delete, sender=Track)
def track_changed(sender, instance, **kwargs) -> None:
    """An analysed track's visibility or owner may have changed, or a track left: any cached snapshot
    may hold it. Tracks saved in other states are in no snapshot (ingest, analysis steps); one leaving
    ``analyzed`` is caught by the database check of every generated playlist until the next reload."""
    if kwargs.get("raw") or (kwargs.get("signal") is post_save and instance.status != TrackStatus.ANALYZED):
        return

    def bump() -> None:
        from recommender.services.scores import bump_generation

        bump_generation(None)

    transaction.on_commit(bump)


@receiver(post_save, sender=TrackEmbedding, dispatch_uid="similarity-index-on-save")
@receiver(post_delete, sender=TrackEmbedding, dispatch_uid="similarity-index-on-delete")
def embedding_changed(sender, **kwargs) -> None:
    transaction.on_commit(_request_rebuild)


def _request_rebuild() -> None:
    from recommender.services.similarity_index import request_rebuild

    try:
        request_rebuild()
    except Exception:  # noqa: BLE001 - a broker outage must not fail an analysis; beat rebuilds later
        logger.warning("could not queue a similarity index rebuild", exc_info=True)
