"""The music map's cache: one 2-D layout of a model version's embeddings, recomputed when they change."""

from __future__ import annotations

from django.db import models

__all__ = ["MusicMap"]


class MusicMap(models.Model):
    """A 2-D layout of every embedded track of one model version (``points``), computed by the
    ``explore.compute_music_map`` task and served filtered to what each user may see.

    ``points`` holds ``[track_id, x, y, family, [moods]]`` rows with x, y in [0, 1]: the layout and the
    moods it was coloured with at compute time. Titles and visibility are read at serve time, so an edit
    or a track made private never waits for a recompute. ``stale`` is set when an embedding of the version
    is written; the task clears it before computing, so a change during a computation schedules another.
    """

    model_version = models.CharField(
        verbose_name="model version", max_length=64, unique=True, help_text="The embedding space laid out."
    )
    layout = models.CharField(
        verbose_name="layout", max_length=16, blank=True, help_text="Name in the layout registry (umap, pca)."
    )
    points = models.JSONField(verbose_name="points", default=list, blank=True)
    track_count = models.PositiveIntegerField(verbose_name="tracks", default=0)
    compute_seconds = models.FloatField(
        verbose_name="compute time (s)", null=True, blank=True, help_text="Wall time of the last computation."
    )
    computed_at = models.DateTimeField(verbose_name="computed at", null=True, blank=True)
    stale = models.BooleanField(
        verbose_name="stale", default=True, help_text="Embeddings changed since the last computation."
    )
    error = models.TextField(verbose_name="error", blank=True, help_text="Why the last computation failed.")

    class Meta:
        verbose_name = "music map"
        verbose_name_plural = "music maps"

    def __str__(self) -> str:
        return f"music map of {self.model_version} ({self.track_count} tracks)"

    @property
    def is_ready(self) -> bool:
        return self.computed_at is not None
