"""Signal receivers of the recommender: an embedding written or deleted asks for an index rebuild once
the transaction commits (debounced in ``similarity_index.request_rebuild``)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from catalog.models import TrackEmbedding

logger = logging.getLogger(__name__)


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
