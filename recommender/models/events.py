"""Listening signals: what a listener did with a track, stored as an append-only event log.

The profile is a function of these events (plus the listener's own uploads, counted as weak positives),
so it can always be rebuilt from them, exported with them and deleted with them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from catalog.models import Track

__all__ = ["EventKind", "ListeningEvent"]


class EventKind(models.TextChoices):
    """What the listener did. ``play`` carries the fraction of the track listened to."""

    PLAY = "play", "Played"
    LIKE = "like", "Liked"
    DISLIKE = "dislike", "Disliked"
    SKIP = "skip", "Skipped"


class ListeningEvent(models.Model):
    """One signal from one listener about one track (a play, like, dislike or skip)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="listener",
        on_delete=models.CASCADE,
        related_name="listening_events",
    )
    track = models.ForeignKey(
        Track, verbose_name="track", on_delete=models.CASCADE, related_name="listening_events"
    )
    kind = models.CharField(verbose_name="kind", max_length=8, choices=EventKind.choices)
    fraction = models.FloatField(
        verbose_name="listened fraction",
        null=True,
        blank=True,
        help_text="Plays and skips: the share of the track heard, in [0, 1]; empty for likes and dislikes.",
    )
    playlist = models.ForeignKey(
        "recommender.Playlist",
        verbose_name="playlist",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        help_text="The playlist the track was playing in, when there was one.",
    )
    created = models.DateTimeField(verbose_name="created", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = "listening event"
        verbose_name_plural = "listening events"
        indexes = [models.Index(fields=["user", "kind", "track"], name="recommender_event_user_kind")]
        constraints = [
            models.CheckConstraint(
                condition=Q(fraction__isnull=True) | Q(fraction__gte=0.0, fraction__lte=1.0),
                name="recommender_event_fraction_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.track_id}"
