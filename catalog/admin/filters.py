"""List filters of the track admin: family, mood, genre, review state and model version.

The tag filters match what a track *effectively* has, by the rules of ``catalog.services.effective_tags``
written as SQL (``EXISTS`` subqueries, so a filtered page costs no extra queries per row): a level-2 mood
or genre applies when an editor confirmed it, or, unless an editor removed it, when an editor tagged one
of its words or subgenres or the model scores it at least ``PRESENCE_THRESHOLD``. A family applies when
any of its moods does.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Exists, OuterRef, QuerySet

from catalog.models import (
    Genre,
    Mood,
    MoodLevel,
    ReviewState,
    TagSource,
    TrackAnalysis,
    TrackGenre,
    TrackMood,
    Verdict,
)
from catalog.services.editing import PRESENCE_THRESHOLD

__all__ = [
    "FamilyFilter",
    "GenreFilter",
    "ModelVersionFilter",
    "MoodFilter",
    "ReviewStateFilter",
    "with_effective_genre",
    "with_effective_mood",
]


def _effectively_tagged(tag_model, term_field: str, terms: QuerySet) -> Exists:
    """EXISTS a term in ``terms`` that the outer track effectively has (rules in the module docstring)."""
    tags = tag_model.objects.filter(track=OuterRef(OuterRef("pk")))
    editor = tags.filter(source=TagSource.EDITOR)
    confirmed = Exists(editor.filter(verdict=Verdict.PRESENT, **{term_field: OuterRef("pk")}))
    removed = Exists(editor.filter(verdict=Verdict.ABSENT, **{term_field: OuterRef("pk")}))
    child = Exists(editor.filter(verdict=Verdict.PRESENT, **{f"{term_field}__parent": OuterRef("pk")}))
    predicted = Exists(
        tags.filter(source=TagSource.MODEL, score__gte=PRESENCE_THRESHOLD, **{term_field: OuterRef("pk")})
    )
    return Exists(terms.filter(confirmed | (~removed & (child | predicted))))


def with_effective_mood(tracks: QuerySet, moods: QuerySet[Mood]) -> QuerySet:
    """Tracks that effectively have any of the level-2 ``moods``."""
    return tracks.filter(_effectively_tagged(TrackMood, "mood", moods.filter(level=MoodLevel.MOOD)))


def with_effective_genre(tracks: QuerySet, genres: QuerySet[Genre]) -> QuerySet:
    """Tracks that effectively have any of the top-level ``genres``."""
    return tracks.filter(_effectively_tagged(TrackGenre, "genre", genres.filter(parent__isnull=True)))


class _TermFilter(admin.SimpleListFilter):
    """A filter whose values are primary keys; anything else (a hand-edited URL) filters nothing."""

    def term_id(self) -> int | None:
        value = self.value() or ""
        return int(value) if value.isdigit() else None


class FamilyFilter(_TermFilter):
    title = "mood family"
    parameter_name = "family"

    def lookups(self, request, model_admin):
        return [(str(pk), name) for pk, name in Mood.objects.families().values_list("pk", "name")]

    def queryset(self, request, queryset):
        if self.term_id() is None:
            return queryset
        return with_effective_mood(queryset, Mood.objects.filter(parent_id=self.term_id()))


class MoodFilter(_TermFilter):
    title = "mood"
    parameter_name = "mood"

    def lookups(self, request, model_admin):
        moods = Mood.objects.moods().order_by("name").values_list("pk", "name")
        return [(str(pk), name) for pk, name in moods]

    def queryset(self, request, queryset):
        if self.term_id() is None:
            return queryset
        return with_effective_mood(queryset, Mood.objects.filter(pk=self.term_id()))


class GenreFilter(_TermFilter):
    title = "genre"
    parameter_name = "genre"

    def lookups(self, request, model_admin):
        return [(str(pk), name) for pk, name in Genre.objects.top_level().values_list("pk", "name")]

    def queryset(self, request, queryset):
        if self.term_id() is None:
            return queryset
        return with_effective_genre(queryset, Genre.objects.filter(pk=self.term_id()))


class ReviewStateFilter(admin.SimpleListFilter):
    title = "review state"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return ReviewState.choices

    def queryset(self, request, queryset):
        if self.value() in ReviewState.values:
            return queryset.filter(review__isnull=self.value() == ReviewState.UNREVIEWED)
        return queryset


class ModelVersionFilter(admin.SimpleListFilter):
    title = "model version"
    parameter_name = "model_version"
    NONE = "-"

    def lookups(self, request, model_admin):
        versions = TrackAnalysis.objects.order_by("model_version").values_list("model_version", flat=True)
        return [(v, v) for v in versions.distinct()] + [(self.NONE, "no model analysis")]

    def queryset(self, request, queryset):
        if self.value() == self.NONE:
            return queryset.filter(analysis__isnull=True)
        if self.value():
            return queryset.filter(analysis__model_version=self.value())
        return queryset
