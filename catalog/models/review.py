"""Editorial review of tracks: who checked a track's tags, and the review queue the editors work through.

A track is **reviewed** when it has a :class:`TrackReview` row: an editor has looked at its tags and
signed them off. Signing off records that a human looked; it gives no verdict. The predictions the page
showed that the editor left standing are kept as ``accepted`` rows (``catalog.services.editing.
mark_reviewed``), which never override a model and are training data, never held-out labels
(``catalog.services.training_export``).
Without a row the track is **unreviewed**; withdrawing a review deletes the row. The change history of
both (and of every tag verdict) is Django's admin ``LogEntry``, shown on the track's History page.

:class:`ReviewQueueEntry` is a proxy of ``Track`` so the admin can list the queue as its own page (most
uncertain first, see ``catalog.services.review_queue``) with its own permission.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from catalog.models.tracks import Track

__all__ = ["ReviewQueueEntry", "ReviewState", "TrackReview"]


class ReviewState(models.TextChoices):
    """Whether an editor has reviewed a track's tags (the admin's review-state filter)."""

    UNREVIEWED = "unreviewed", "Unreviewed"
    REVIEWED = "reviewed", "Reviewed"


class TrackReview(models.Model):
    """An editor's sign-off on a track's tags: a human looked at all of them (their verdicts are complete)."""

    track = models.OneToOneField(Track, verbose_name="track", on_delete=models.CASCADE, related_name="review")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="reviewer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The editor who marked the track reviewed (kept empty if the account is deleted).",
    )
    reviewed_at = models.DateTimeField(verbose_name="reviewed at")
    model_version = models.CharField(
        verbose_name="model version reviewed",
        max_length=64,
        blank=True,
        help_text="The model version whose predictions the editor saw; empty if the track had none.",
    )

    class Meta:
        verbose_name = "track review"
        verbose_name_plural = "track reviews"

    def __str__(self) -> str:
        return f"review of track {self.track_id}"


class ReviewQueueEntry(Track):
    """A track seen through the review queue (a proxy: no table of its own)."""

    class Meta:
        proxy = True
        verbose_name = "review queue entry"
        verbose_name_plural = "review queue"
