"""What a track effectively has: model scores overridden by editors' verdicts, families derived.

The rules, the same for moods and genres ("scored" terms are level-2 moods and top-level genres, the
labels the model predicts; "child" terms are level-3 words and subgenres, which editors tag with):

1. an editor verdict on a term wins: ``present`` scores 1.0, ``absent`` 0.0, whatever the model said;
2. otherwise an editor's ``present`` on a child implies its scored parent (a track tagged "bittersweet"
   is "melancholic"), scoring 1.0; an ``absent`` child says nothing about the parent;
3. otherwise the model's score stands.

A prediction ``accepted`` when a reviewer marked the track reviewed is no verdict and changes nothing
here: it must not freeze an old model's guess over the next model's (``catalog.models.predictions``).

Mood families are derived on read as the max of their moods' effective scores (the same rule the bundle
uses for its own family scores), so they follow editors' changes at once and are never stored.

Editors write verdicts through :func:`set_editor_verdict` / :func:`clear_editor_verdict` (the seam of the
editors' workspace); families cannot be tagged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from catalog.models import Genre, Mood, MoodLevel, TagSource, Track, TrackGenre, TrackMood, Verdict

__all__ = [
    "EffectiveTag",
    "clear_editor_verdict",
    "effective_families",
    "effective_genres",
    "effective_genres_for",
    "effective_moods",
    "effective_moods_for",
    "set_editor_verdict",
]

_VERDICT_SCORES = {Verdict.PRESENT: 1.0, Verdict.ABSENT: 0.0}


@dataclass(frozen=True)
class EffectiveTag:
    """One term of a track with its effective score in [0, 1] and who decided it (``model`` or
    ``editor``). ``term`` is a ``Mood`` (level 2 or 3; level 1 from :func:`effective_families`) or a
    ``Genre``. An editor's removal shows as score 0.0 from the editor."""

    term: Mood | Genre
    score: float
    source: str

    @property
    def is_editor(self) -> bool:
        return self.source == TagSource.EDITOR


def effective_moods_for(track_ids: Iterable[int]) -> dict[int, list[EffectiveTag]]:
    """Effective mood tags of many tracks in one query: track id -> tags sorted by score, highest first
    (tracks without tags map to an empty list)."""
    ids = list(track_ids)
    grouped: dict[int, list[TrackMood]] = {track_id: [] for track_id in ids}
    for row in TrackMood.objects.filter(track_id__in=ids).select_related("mood__parent__parent"):
        grouped[row.track_id].append(row)
    return {track_id: _resolve(rows) for track_id, rows in grouped.items()}


def effective_moods(track: Track) -> list[EffectiveTag]:
    """Effective mood tags (level-2 moods and editors' level-3 words) of one track, highest score first."""
    return effective_moods_for([track.pk])[track.pk]


def effective_families(moods: Iterable[EffectiveTag]) -> list[EffectiveTag]:
    """Family tags derived from effective mood tags: each family scores the max of its level-2 moods;
    the source is the source of that max (an editor when an editor's verdict decides it)."""
    best: dict[int, EffectiveTag] = {}
    for tag in moods:
        if tag.term.level != MoodLevel.MOOD:
            continue
        family = tag.term.parent
        current = best.get(family.pk)
        if current is None or tag.score > current.score:
            best[family.pk] = EffectiveTag(family, tag.score, tag.source)
    return _ranked(best.values())


def effective_genres_for(track_ids: Iterable[int]) -> dict[int, list[EffectiveTag]]:
    """Effective genre tags of many tracks in one query, like :func:`effective_moods_for`."""
    ids = list(track_ids)
    grouped: dict[int, list[TrackGenre]] = {track_id: [] for track_id in ids}
    for row in TrackGenre.objects.filter(track_id__in=ids).select_related("genre__parent"):
        grouped[row.track_id].append(row)
    return {track_id: _resolve(rows) for track_id, rows in grouped.items()}


def effective_genres(track: Track) -> list[EffectiveTag]:
    """Effective genre tags (genres and editors' subgenres) of one track, highest score first."""
    return effective_genres_for([track.pk])[track.pk]


@transaction.atomic
def set_editor_verdict(track: Track, term: Mood | Genre, verdict: Verdict, editor) -> TrackMood | TrackGenre:
    """Record (or change) an editor's verdict on a mood, word, genre or subgenre of ``track``.

    Raises ValueError for a mood family: families are derived from their moods, never tagged.
    """
    if isinstance(term, Mood) and term.level == MoodLevel.FAMILY:
        raise ValueError(f"{term.name!r} is a mood family; tag one of its moods instead")
    model, field = (TrackMood, "mood") if isinstance(term, Mood) else (TrackGenre, "genre")
    tag, _ = model.objects.update_or_create(
        track=track,
        source=TagSource.EDITOR,
        **{field: term},
        defaults={"verdict": Verdict(verdict), "editor": editor},
    )
    return tag


def clear_editor_verdict(track: Track, term: Mood | Genre) -> bool:
    """Withdraw the editor verdict on ``term`` (the model's score applies again); True if there was one."""
    model, field = (TrackMood, "mood") if isinstance(term, Mood) else (TrackGenre, "genre")
    deleted, _ = model.objects.filter(track=track, source=TagSource.EDITOR, **{field: term}).delete()
    return bool(deleted)


def _resolve(rows: list[TrackMood] | list[TrackGenre]) -> list[EffectiveTag]:
    """Apply the module's three rules to one track's rows."""
    terms: dict[int, Mood | Genre] = {}
    model_scores: dict[int, float] = {}
    verdicts: dict[int, str] = {}
    implied: dict[int, Mood | Genre] = {}
    for row in rows:
        if row.source == TagSource.EDITOR and row.verdict not in Verdict.decided():
            continue  # accepted at review: the model's score stands
        term = row.mood if isinstance(row, TrackMood) else row.genre
        terms[term.pk] = term
        if row.source == TagSource.MODEL:
            model_scores[term.pk] = row.score
        else:
            verdicts[term.pk] = row.verdict
            if row.verdict == Verdict.PRESENT and _is_child(term):
                implied[term.parent_id] = term.parent
    terms.update(implied)
    tags = []
    for pk, term in terms.items():
        if pk in verdicts:
            tags.append(EffectiveTag(term, _VERDICT_SCORES[verdicts[pk]], TagSource.EDITOR))
        elif pk in implied:
            tags.append(EffectiveTag(term, 1.0, TagSource.EDITOR))
        else:
            tags.append(EffectiveTag(term, model_scores[pk], TagSource.MODEL))
    return _ranked(tags)


def _is_child(term: Mood | Genre) -> bool:
    return term.level == MoodLevel.WORD if isinstance(term, Mood) else term.parent_id is not None


def _ranked(tags: Iterable[EffectiveTag]) -> list[EffectiveTag]:
    return sorted(tags, key=lambda tag: (-tag.score, tag.term.name))
