"""Playlists: a generated list of tracks, with the request that produced it and a reason per track."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from catalog.models import Track

__all__ = ["Playlist", "PlaylistItem"]


class Playlist(models.Model):
    """A playlist generated for one listener; private to them. Generated playlists are kept unsaved
    (``saved`` false) until the listener saves or renames one, so the player has a stable address."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="owner", on_delete=models.CASCADE, related_name="playlists"
    )
    name = models.CharField(verbose_name="name", max_length=120)
    strategy = models.CharField(
        verbose_name="strategy", max_length=32, help_text="Name in the playlist strategy registry."
    )
    request = models.JSONField(
        verbose_name="request", default=dict, help_text="The generator's parameters, to regenerate."
    )
    model_version = models.CharField(
        verbose_name="model version", max_length=64, help_text="The one model version all scores came from."
    )
    saved = models.BooleanField(
        verbose_name="saved", default=False, help_text="Kept in the listener's list of playlists."
    )
    created = models.DateTimeField(verbose_name="created", auto_now_add=True)
    updated = models.DateTimeField(verbose_name="updated", auto_now=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = "playlist"
        verbose_name_plural = "playlists"
        indexes = [models.Index(fields=["owner", "saved", "-created"], name="recommender_playlist_owner")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("recommender:playlist", args=[self.pk])


class PlaylistItem(models.Model):
    """One track at one position of a playlist, with the score and reason it was chosen for."""

    playlist = models.ForeignKey(
        Playlist, verbose_name="playlist", on_delete=models.CASCADE, related_name="items"
    )
    track = models.ForeignKey(Track, verbose_name="track", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(verbose_name="position")
    score = models.FloatField(verbose_name="score", help_text="Relevance the strategy gave the track.")
    reason = models.CharField(verbose_name="reason", max_length=200, help_text="Why it was chosen.")

    class Meta:
        ordering = ["playlist", "position"]
        verbose_name = "playlist item"
        verbose_name_plural = "playlist items"
        constraints = [
            models.UniqueConstraint(fields=["playlist", "position"], name="recommender_item_position"),
        ]

    def __str__(self) -> str:
        return f"{self.playlist_id}#{self.position}: {self.track_id}"
