"""When the catalogue says an analysis ended: freeze the matching jobs and queue their webhooks."""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import receiver

from catalog.signals import analysis_finished
from recommender.api.services.jobs import finish_jobs
from recommender.api.services.webhooks import deliveries_for_jobs

logger = logging.getLogger(__name__)


@receiver(analysis_finished, dispatch_uid="api.finish_jobs")
def on_analysis_finished(sender, *, track_id: int, status, **kwargs) -> None:
    from recommender.api.tasks import enqueue_delivery

    try:
        with transaction.atomic():
            jobs = finish_jobs(track_id, status)
            for delivery in deliveries_for_jobs(jobs):
                transaction.on_commit(lambda pk=delivery.pk: enqueue_delivery(pk))
    except Exception:  # noqa: BLE001 - never break the analysis that announced itself; the log tells
        logger.exception("could not finish the API jobs of track %s", track_id)
