"""The compact score table: one row per analysed track with everything playlists rank by.

Playlists at 100k tracks cannot afford to read 40 mood rows per track, so each track's effective mood
and genre scores are packed here as float32 bytes (in ``ml.taxonomy`` label order) beside valence,
arousal, tempo, key and the speech flag. The whole table loads into numpy arrays in well under a second
and is cached per process; ``ScoreGeneration`` tells a process when its copy is stale.
"""

from __future__ import annotations

from django.db import models

from catalog.models import Track

__all__ = ["ScoreGeneration", "TrackScores"]


class TrackScores(models.Model):
    """Packed effective scores of one track (editors' verdicts applied), refreshed after each analysis or
    tag edit by ``recommender.services.scores``."""

    track = models.OneToOneField(
        Track, verbose_name="track", on_delete=models.CASCADE, primary_key=True, related_name="scores"
    )
    model_version = models.CharField(verbose_name="model version", max_length=64, db_index=True)
    moods = models.BinaryField(
        verbose_name="mood scores", help_text="float32 little-endian, one per level-2 mood (taxonomy order)."
    )
    genres = models.BinaryField(
        verbose_name="genre scores", help_text="float32 little-endian, one per genre (taxonomy order)."
    )
    valence = models.FloatField(verbose_name="valence")
    arousal = models.FloatField(verbose_name="arousal")
    tempo_bpm = models.FloatField(verbose_name="tempo (BPM)", null=True, blank=True)
    key_index = models.SmallIntegerField(
        verbose_name="key", null=True, blank=True, help_text="Position on the circle of fifths, 0-11."
    )
    minor = models.BooleanField(verbose_name="minor", null=True, blank=True)
    is_speech = models.BooleanField(verbose_name="speech")
    updated = models.DateTimeField(verbose_name="updated", auto_now=True)

    class Meta:
        verbose_name = "track scores"
        verbose_name_plural = "track scores"

    def __str__(self) -> str:
        return f"scores of track {self.track_id}"


class ScoreGeneration(models.Model):
    """A counter per model version, bumped whenever its score rows or the tracks behind them change, and
    the version's row count: one tiny read tells a request which version to use and whether its cached
    snapshot is current."""

    model_version = models.CharField(verbose_name="model version", max_length=64, primary_key=True)
    generation = models.BigIntegerField(verbose_name="generation", default=0)
    tracks = models.PositiveIntegerField(
        verbose_name="tracks", default=0, help_text="Score rows of this version at the last refresh."
    )

    class Meta:
        verbose_name = "score generation"
        verbose_name_plural = "score generations"

    def __str__(self) -> str:
        return f"{self.model_version}@{self.generation}"
