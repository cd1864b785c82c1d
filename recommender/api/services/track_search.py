"""Filtering the catalogue for ``GET /tracks``: by effective mood, family and genre, by valence/arousal,
status and text, all in SQL so pagination and counts stay exact.

A track "has" a term when its **effective** score (catalog.services.effective_tags) reaches
``min_score``, expressed here as EXISTS subqueries that follow the same three rules:

- an editor's verdict on the term wins (``absent`` excludes the track whatever the model said);
- otherwise an editor's ``present`` on a child (a word, a subgenre) implies the term;
- otherwise the model's score must reach ``min_score``.

A family matches when one of its moods does (family score = max of its moods). Words and subgenres exist
only as editors' tags, so they match on an editor's ``present``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from catalog.models import Genre, Mood, MoodLevel, TagSource, Track, TrackGenre, TrackMood, Verdict

__all__ = ["TrackQuery", "search_tracks"]


@dataclass(frozen=True)
class TrackQuery:
    """Validated filters (``recommender.api.serializers.params.TrackListParams`` builds it)."""

    text: str = ""
    status: str = ""
    mood: Mood | None = None
    family: Mood | None = None
    genre: Genre | None = None
    min_score: float = 0.5
    valence_min: float | None = None
    valence_max: float | None = None
    arousal_min: float | None = None
    arousal_max: float | None = None
    owned_by: object | None = None  # a user: only tracks they uploaded


def search_tracks(tracks: QuerySet[Track], query: TrackQuery) -> QuerySet[Track]:
    """``tracks`` (already limited to what the caller may see) narrowed by every filter ``query`` sets."""
    if query.text:
        text = query.text
        tracks = tracks.filter(
            Q(title__icontains=text) | Q(artist__name__icontains=text) | Q(album__icontains=text)
        )
    if query.status:
        tracks = tracks.filter(status=query.status)
    if query.owned_by is not None:
        tracks = tracks.filter(owner=query.owned_by)
    ranges = {
        "analysis__valence__gte": query.valence_min,
        "analysis__valence__lte": query.valence_max,
        "analysis__arousal__gte": query.arousal_min,
        "analysis__arousal__lte": query.arousal_max,
    }
    if bounds := {lookup: value for lookup, value in ranges.items() if value is not None}:
        tracks = tracks.filter(**bounds)
    if query.mood is not None:
        tracks = tracks.filter(_has_mood(query.mood, query.min_score))
    if query.family is not None:
        tracks = tracks.filter(_has_family(query.family, query.min_score))
    if query.genre is not None:
        tracks = tracks.filter(_has_genre(query.genre, query.min_score))
    return tracks


def _rows(model, **filters) -> Exists:
    return Exists(model.objects.filter(track=OuterRef("pk"), **filters))


def _editor(verdict: Verdict) -> dict:
    return {"source": TagSource.EDITOR, "verdict": verdict}


def _scored_term(model, field: str, term, min_score: float) -> Q:
    """The three rules for a term the model scores (a level-2 mood, a top-level genre)."""
    removed = _rows(model, **{field: term}, **_editor(Verdict.ABSENT))
    confirmed = _rows(model, **{field: term}, **_editor(Verdict.PRESENT))
    implied = _rows(model, **{f"{field}__parent": term}, **_editor(Verdict.PRESENT))
    predicted = _rows(model, **{field: term}, source=TagSource.MODEL, score__gte=min_score)
    return ~Q(removed) & (Q(confirmed) | Q(implied) | Q(predicted))


def _has_mood(mood: Mood, min_score: float) -> Q:
    if mood.level == MoodLevel.WORD:
        return Q(_rows(TrackMood, mood=mood, **_editor(Verdict.PRESENT)))
    return _scored_term(TrackMood, "mood", mood, min_score)


def _has_family(family: Mood, min_score: float) -> Q:
    # One OR-branch per mood of the family: a handful of moods, each an indexed EXISTS.
    condition = Q(pk__in=[])
    for mood in family.children.all():
        condition |= _scored_term(TrackMood, "mood", mood, min_score)
    return condition


def _has_genre(genre: Genre, min_score: float) -> Q:
    if genre.parent_id is not None:
        return Q(_rows(TrackGenre, genre=genre, **_editor(Verdict.PRESENT)))
    return _scored_term(TrackGenre, "genre", genre, min_score)
