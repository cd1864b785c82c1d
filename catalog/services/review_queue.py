"""The editors' review queue: unreviewed analysed tracks, those the model is least sure about first.

Editors' time is worth most where the model is least certain, so the queue is ordered by the analysis'
``uncertainty`` (mean binary entropy of the level-2 mood probabilities, in bits: 1 when every mood sits
at 0.5, 0 when every mood is 0 or 1; see ``catalog.services.predictions.mood_uncertainty``), highest
first, ties by age (oldest first). This is uncertainty sampling, the simplest active-learning query
strategy (Lewis & Gale 1994, "A sequential algorithm for training text classifiers", SIGIR): the labels
editors give there are the ones a fine-tune (``manage.py train_from_editors``) learns most from.

A track leaves the queue when an editor marks it reviewed (``catalog.services.editing.mark_reviewed``)
and comes back when the review is withdrawn. Tracks without model predictions (no bundle installed, or
analysis failed) are not in the queue: there is nothing to review yet.
"""

from __future__ import annotations

from django.db.models import QuerySet

from catalog.choices import TrackStatus
from catalog.models import Track

__all__ = ["QUEUE_ORDER", "next_in_queue", "review_queue"]

QUEUE_ORDER = ("-analysis__uncertainty", "created", "pk")
"""Most uncertain first, then oldest: also the review-queue admin's default ordering."""


def review_queue(tracks: QuerySet[Track] | None = None) -> QuerySet[Track]:
    """The queue (optionally within ``tracks``, which may be a proxy queryset), most uncertain first."""
    base = Track.objects.all() if tracks is None else tracks
    return base.filter(status=TrackStatus.ANALYZED, analysis__isnull=False, review__isnull=True).order_by(
        *QUEUE_ORDER
    )


def next_in_queue(user, after: Track | None = None) -> Track | None:
    """The track ``user`` (an editor) should review next: the head of the queue among the tracks they may
    see, skipping ``after`` (the one just done, which may still be unreviewed if they only skipped it)."""
    queue = review_queue(Track.objects.visible_to(user))
    if after is not None:
        queue = queue.exclude(pk=after.pk)
    return queue.first()
