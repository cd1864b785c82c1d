"""Mood and genre tags of tracks: model predictions and editors' verdicts, stored apart.

A track has at most one row per (term, source). A **model** row holds the probability the bundle gave
(``score``) and the bundle's ``model_version``; re-analysis replaces all of a track's model rows at once.
An **editor** row holds a verdict (``present``: the editor confirms or adds the term; ``absent``: the
editor removes it) with who and when; analysis never writes or deletes editor rows. What a track
"effectively" has combines both, editors first (``catalog.services.effective_tags``).

An ``accepted`` row is not an editor's word on the term: it records that a prediction was shown when a
reviewer marked the track reviewed and was left standing (``catalog.services.editing.mark_reviewed``).
It never overrides a model's score (a later model's says what the track has), it is training data only
for the train and val splits, and never a held-out evaluation label (``catalog.services.
training_export``). An explicit verdict on the term replaces it; withdrawing the review deletes it.

Model rows exist only for the labels the bundle predicts: level-2 moods and top-level genres. Family
scores are derived on read (max of the children), never stored: a stored family score would go stale
each time an editor changes a child, and the max over four children is cheap to compute.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from catalog.models.taxonomy import Genre, Mood
from catalog.models.tracks import Track

__all__ = ["TagSource", "TrackGenre", "TrackMood", "TrackTag", "Verdict"]


class TagSource(models.TextChoices):
    """Who said a track has a term: the model (a score) or an editor (a verdict)."""

    MODEL = "model", "Model"
    EDITOR = "editor", "Editor"


class Verdict(models.TextChoices):
    """An editor's word on a term: it applies to the track, or it does not (whatever the model says); or
    ``accepted``: a prediction a reviewer saw and let stand, which is no verdict (module docstring)."""

    PRESENT = "present", "Present"
    ABSENT = "absent", "Absent"
    ACCEPTED = "accepted", "Accepted at review (prediction left standing)"

    @classmethod
    def decided(cls) -> tuple[str, ...]:
        """The verdicts an editor gave on purpose: they override the model and are evaluation labels."""
        return (cls.PRESENT, cls.ABSENT)


class TrackTag(models.Model):
    """Fields and rules shared by mood and genre tags (abstract)."""

    source = models.CharField(
        verbose_name="source",
        max_length=8,
        choices=TagSource.choices,
        help_text="model: a predicted probability; editor: a human verdict.",
    )
    score = models.FloatField(
        verbose_name="score",
        null=True,
        blank=True,
        help_text="Model rows: probability in [0, 1], the mean over 3 s windows of sigmoid(logit). "
        "Empty for editor rows.",
    )
    verdict = models.CharField(
        verbose_name="verdict",
        max_length=8,
        choices=Verdict.choices,
        blank=True,
        help_text="Editor rows: present (confirmed or added), absent (removed), or accepted (a prediction "
        "left standing when the track was marked reviewed: no verdict). Empty for model rows.",
    )
    model_version = models.CharField(
        verbose_name="model version",
        max_length=64,
        blank=True,
        help_text="Model rows: the bundle version that predicted the score. Empty for editor rows.",
    )
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="editor",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Editor rows: who gave the verdict (kept empty if the account is deleted).",
    )
    created = models.DateTimeField(verbose_name="created", auto_now_add=True)
    updated = models.DateTimeField(
        verbose_name="updated", auto_now=True, help_text="Editor rows: when the verdict was last given."
    )

    class Meta:
        abstract = True
        constraints = [
            # Each row is wholly a model row or wholly an editor row: no half-filled mixtures.
            models.CheckConstraint(
                condition=Q(
                    source=TagSource.MODEL,
                    score__gte=0.0,
                    score__lte=1.0,
                    verdict="",
                    editor__isnull=True,
                )
                & ~Q(model_version="")
                | Q(
                    source=TagSource.EDITOR,
                    score__isnull=True,
                    verdict__in=Verdict.values,
                    model_version="",
                ),
                name="%(app_label)s_%(class)s_model_or_editor_row",
            ),
        ]

    @property
    def is_editor(self) -> bool:
        return self.source == TagSource.EDITOR


class TrackMood(TrackTag):
    """One mood tag of a track: a level-2 mood's predicted probability, or an editor's verdict on a level-2
    mood or a level-3 word (a present word implies its mood). Families are never tagged."""

    track = models.ForeignKey(Track, verbose_name="track", on_delete=models.CASCADE, related_name="mood_tags")
    mood = models.ForeignKey(Mood, verbose_name="mood", on_delete=models.PROTECT, related_name="track_tags")

    class Meta(TrackTag.Meta):
        verbose_name = "track mood"
        verbose_name_plural = "track moods"
        constraints = [
            *TrackTag.Meta.constraints,
            models.UniqueConstraint(fields=["track", "mood", "source"], name="catalog_trackmood_unique"),
        ]
        indexes = [
            # "Tracks most <mood>": playlists rank model scores per mood.
            models.Index(
                fields=["mood", "-score"], condition=Q(source=TagSource.MODEL), name="catalog_trackmood_rank"
            ),
            # Similarity filters look up editors' verdicts by term; editor rows are few, so a partial index.
            models.Index(
                fields=["mood", "track"],
                condition=Q(source=TagSource.EDITOR),
                name="catalog_trackmood_editor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.track_id}: {self.mood} ({self.source})"


class TrackGenre(TrackTag):
    """One genre tag of a track: a top-level genre's predicted probability, or an editor's verdict on a
    genre or a subgenre (a present subgenre implies its genre)."""

    track = models.ForeignKey(
        Track, verbose_name="track", on_delete=models.CASCADE, related_name="genre_tags"
    )
    genre = models.ForeignKey(
        Genre, verbose_name="genre", on_delete=models.PROTECT, related_name="track_tags"
    )

    class Meta(TrackTag.Meta):
        verbose_name = "track genre"
        verbose_name_plural = "track genres"
        constraints = [
            *TrackTag.Meta.constraints,
            models.UniqueConstraint(fields=["track", "genre", "source"], name="catalog_trackgenre_unique"),
        ]
        indexes = [
            models.Index(
                fields=["genre", "-score"],
                condition=Q(source=TagSource.MODEL),
                name="catalog_trackgenre_rank",
            ),
            models.Index(
                fields=["genre", "track"],
                condition=Q(source=TagSource.EDITOR),
                name="catalog_trackgenre_editor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.track_id}: {self.genre} ({self.source})"
