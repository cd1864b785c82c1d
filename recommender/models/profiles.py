"""Listener profiles: running sums over a listener's signals, and what is derived from them.

The sums are linear in the events (each event adds ``weight x the track's scores``), so one new event
updates the profile in O(1) and a bulk recompute from the event log gives exactly the same numbers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

__all__ = ["ListenerProfile"]


class ListenerProfile(models.Model):
    """The psych-emotional profile of one listener (private to them)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="listener", on_delete=models.CASCADE, related_name="profile"
    )
    model_version = models.CharField(
        verbose_name="model version", max_length=64, blank=True, help_text="Space of the sums and taste."
    )
    mood_sums = models.JSONField(
        verbose_name="mood sums", default=dict, help_text="Level-2 mood -> sum of weight x mood score."
    )
    family_sums = models.JSONField(
        verbose_name="family sums", default=dict, help_text="Family -> sum of weight x family score."
    )
    genre_sums = models.JSONField(
        verbose_name="genre sums", default=dict, help_text="Genre -> sum of weight x genre score."
    )
    taste_sum = models.JSONField(
        verbose_name="taste sum",
        default=list,
        blank=True,
        help_text="Sum of weight x embedding; its direction is the taste vector.",
    )
    feedback = models.JSONField(
        verbose_name="feedback",
        default=dict,
        blank=True,
        help_text="Track id -> the listener's latest like or dislike of it; disliked tracks never return.",
    )
    positive_weight = models.FloatField(verbose_name="positive weight", default=0.0)
    signal_count = models.PositiveIntegerField(
        verbose_name="signals", default=0, help_text="Events and own uploads the profile rests on."
    )
    updated = models.DateTimeField(verbose_name="updated", auto_now=True)

    class Meta:
        verbose_name = "listener profile"
        verbose_name_plural = "listener profiles"

    def __str__(self) -> str:
        return f"profile of {self.user_id}"
