"""Editors' work on a track's tags and review state, each change written to the admin history.

Editor verdicts are stored apart from predictions (``TrackMood``/``TrackGenre`` rows with source
``editor``, see ``catalog.models.predictions``); nothing here ever changes or deletes a model row, so the
predicted score stays visible beside the editor's verdict and comes back if the verdict is withdrawn.

How a typed term is stored (:func:`resolve_mood_term`, :func:`resolve_genre_term`):

- a level-2 mood ("melancholic") is stored as that mood: the label the model predicts;
- a level-3 word ("bittersweet") is stored as the word itself, keeping the editor's nuance; a present word
  implies its level-2 mood wherever tags are read (``catalog.services.effective_tags``) and in training
  exports;
- a family name is stored as the level-2 mood of the same name where there is one ("sad" is family and
  mood): families are derived from their moods, never tagged. A family without a namesake mood
  ("joyful") is refused, listing its moods to choose from;
- a genre or a subgenre is stored as itself; a present subgenre implies its genre.

Every change is one ``LogEntry`` on the track (who, when, what), shown on its History page in the admin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from catalog.models import (
    Genre,
    Mood,
    MoodLevel,
    TagSource,
    Track,
    TrackGenre,
    TrackMood,
    TrackReview,
    Verdict,
)
from catalog.services.effective_tags import clear_editor_verdict, set_editor_verdict

__all__ = [
    "BulkConfirmation",
    "EditingError",
    "TOP_GENRES",
    "TOP_MOODS",
    "PRESENCE_THRESHOLD",
    "confirm_top_predictions",
    "mark_reviewed",
    "mark_unreviewed",
    "resolve_genre_term",
    "resolve_mood_term",
    "set_verdict",
    "withdraw_verdict",
]

PRESENCE_THRESHOLD = 0.5
"""A model probability at or above this counts as the model saying a term applies (the heads' decision
point): what bulk confirmation confirms and what the admin's mood and genre filters match."""
TOP_MOODS = 3
"""At most this many moods per track are confirmed in bulk: the strongest few, not every weak yes."""
TOP_GENRES = 1


class EditingError(ValueError):
    """An edit that cannot be made (an unknown term, a family without a namesake mood); the message is
    meant for the editor."""


def resolve_mood_term(text: str) -> Mood:
    """The taxonomy row an editor's mood term is stored as (rules in the module docstring)."""
    name = " ".join(text.split()).lower()
    if not name:
        raise EditingError("Type a mood, a mood word or a family.")
    term = Mood.objects.terms().select_related("parent__parent").filter(name=name).first()
    if term is not None:
        return term
    family = Mood.objects.families().filter(name=name).first()
    if family is not None:
        choices = ", ".join(family.children.order_by("pk").values_list("name", flat=True))
        raise EditingError(f"'{name}' is a mood family (derived from its moods): tag one of {choices}.")
    raise EditingError(f"'{name}' is not in the mood taxonomy (add it under Moods first).")


def resolve_genre_term(text: str) -> Genre:
    """The genre or subgenre named ``text`` (case and blanks ignored)."""
    name = " ".join(text.split()).lower()
    genre = Genre.objects.select_related("parent").filter(name=name).first()
    if genre is None:
        raise EditingError(f"'{name}' is not a genre or subgenre (add it under Genres first).")
    return genre


@transaction.atomic
def set_verdict(track: Track, term: Mood | Genre, verdict: Verdict, editor) -> str:
    """Record the editor's verdict (present: confirm or add; absent: remove) and log it.

    Returns the history message, e.g. "Mood 'calm': confirmed (model 0.82)". Raises EditingError for a
    mood family.
    """
    if isinstance(term, Mood) and term.level == MoodLevel.FAMILY:
        raise EditingError(f"'{term.name}' is a mood family: tag one of its moods.")
    score = _model_score(track, term)
    set_editor_verdict(track, term, verdict, editor)
    if verdict == Verdict.PRESENT:
        what = "added" if score is None else "confirmed"
    else:
        what = "removed"
    message = f"{_label(term)}: {what}{_score_note(score)}"
    _log(editor, track, message)
    return message


@transaction.atomic
def withdraw_verdict(track: Track, term: Mood | Genre, editor) -> str | None:
    """Withdraw the editor verdict on ``term`` (the model's score applies again) and log it; returns the
    message, or None when there was no verdict to withdraw."""
    if not clear_editor_verdict(track, term):
        return None
    message = f"{_label(term)}: verdict withdrawn{_score_note(_model_score(track, term))}"
    _log(editor, track, message)
    return message


@dataclass(frozen=True)
class BulkConfirmation:
    """What :func:`confirm_top_predictions` did: tracks touched and verdicts written."""

    tracks: int
    moods: int
    genres: int


def confirm_top_predictions(
    tracks: Iterable[Track],
    editor,
    *,
    threshold: float = PRESENCE_THRESHOLD,
    top_moods: int = TOP_MOODS,
    top_genres: int = TOP_GENRES,
) -> BulkConfirmation:
    """For each track, confirm its strongest model predictions as editor verdicts: up to ``top_moods``
    moods and ``top_genres`` genres scoring at least ``threshold``. Terms an editor already gave a verdict
    on are left alone (an earlier removal is not overridden). One history entry per changed track."""
    ids = [track.pk for track in tracks]
    accepted = _accept_predictions(ids, editor, threshold, top_moods, top_genres)
    counts = {"tracks": 0, "moods": 0, "genres": 0}
    with transaction.atomic():
        for track in Track.objects.filter(pk__in=ids).order_by("pk"):
            notes, moods, genres = accepted(track)
            if notes:
                counts["tracks"] += 1
                counts["moods"] += moods
                counts["genres"] += genres
                _log(editor, track, "Confirmed top predictions: " + ", ".join(notes))
    return BulkConfirmation(**counts)


def mark_reviewed(tracks: Iterable[Track], editor) -> int:
    """Record that ``editor`` looked at the tracks' tags now (again, if already reviewed: the latest
    reviewer counts), noting the model version they saw. Returns how many tracks were marked.

    Reviewing writes no verdict: the verdicts are the ones the editor gave term by term. The predictions
    shown (at or above ``PRESENCE_THRESHOLD``) that the editor left without a verdict are recorded as
    ``accepted`` rows, replacing those of an earlier review: they say what the reviewer let stand, for
    training (``catalog.services.training_export`` uses them in the train and val splits, never as
    held-out labels), and never override a model's score (``catalog.services.effective_tags``).
    """
    ids = [track.pk for track in tracks]
    now = timezone.now()
    count = 0
    with transaction.atomic():
        _clear_accepted(ids)
        accepted = _accept_predictions(ids, editor, PRESENCE_THRESHOLD, None, None, Verdict.ACCEPTED)
        for track in Track.objects.filter(pk__in=ids).select_related("analysis").order_by("pk"):
            notes, _, _ = accepted(track)
            version = getattr(getattr(track, "analysis", None), "model_version", "")
            TrackReview.objects.update_or_create(
                track=track, defaults={"reviewer": editor, "reviewed_at": now, "model_version": version}
            )
            standing = "; predictions left standing: " + ", ".join(notes) if notes else ""
            _log(editor, track, "Marked reviewed" + standing)
            count += 1
    return count


def _accept_predictions(
    track_ids: list[int],
    editor,
    threshold: float,
    top_moods: int | None,
    top_genres: int | None,
    verdict: Verdict = Verdict.PRESENT,
) -> Callable[[Track], tuple[list[str], int, int]]:
    """Find, in two queries, the model predictions of ``track_ids`` to accept (at or above ``threshold``,
    no editor verdict on the term, the strongest ``top_*`` per track; None: all). Returns a function that
    writes one track's acceptances as ``verdict`` rows (a confirmation's ``present``, a review's
    ``accepted``) and returns (history notes, moods, genres)."""
    moods = _top_model_rows(TrackMood, track_ids, threshold, top_moods)
    genres = _top_model_rows(TrackGenre, track_ids, threshold, top_genres)

    def accept(track: Track) -> tuple[list[str], int, int]:
        mood_rows, genre_rows = moods.get(track.pk, []), genres.get(track.pk, [])
        chosen = [(r.mood, r.score) for r in mood_rows] + [(r.genre, r.score) for r in genre_rows]
        for term, _ in chosen:
            set_editor_verdict(track, term, verdict, editor)
        notes = [f"{_label(term)} ({score:.2f})" for term, score in chosen]
        return notes, len(mood_rows), len(genre_rows)

    return accept


def _clear_accepted(track_ids: list[int]) -> None:
    for model in (TrackMood, TrackGenre):
        model.objects.filter(
            track_id__in=track_ids, source=TagSource.EDITOR, verdict=Verdict.ACCEPTED
        ).delete()


def mark_unreviewed(tracks: Iterable[Track], editor) -> int:
    """Withdraw the reviews of ``tracks`` (they return to the review queue), with the predictions their
    reviews left standing. Returns how many had one."""
    ids = [track.pk for track in tracks]
    count = 0
    with transaction.atomic():
        _clear_accepted(ids)
        for review in TrackReview.objects.filter(track__in=ids).select_related("track"):
            review.delete()
            _log(editor, review.track, "Marked unreviewed")
            count += 1
    return count


def _top_model_rows(model, track_ids: list[int], threshold: float, limit: int | None) -> dict[int, list]:
    """Per track, its model rows scoring >= threshold with no editor verdict on the term (a prediction
    only accepted at review is no verdict: confirming it makes it one), best first, at most ``limit``
    (None: all)."""
    field = "mood" if model is TrackMood else "genre"
    verdicts = model.objects.filter(
        track_id__in=track_ids, source=TagSource.EDITOR, verdict__in=Verdict.decided()
    )
    judged = set(verdicts.values_list("track_id", field))
    rows = (
        model.objects.filter(track_id__in=track_ids, source=TagSource.MODEL, score__gte=threshold)
        .select_related(field)
        .order_by("track_id", "-score")
    )
    chosen: dict[int, list] = {}
    for row in rows:
        picked = chosen.setdefault(row.track_id, [])
        fresh = (row.track_id, getattr(row, f"{field}_id")) not in judged
        if fresh and (limit is None or len(picked) < limit):
            picked.append(row)
    return chosen


def _model_score(track: Track, term: Mood | Genre) -> float | None:
    model, field = (TrackMood, "mood") if isinstance(term, Mood) else (TrackGenre, "genre")
    row = model.objects.filter(track=track, source=TagSource.MODEL, **{field: term}).only("score").first()
    return None if row is None else row.score


def _label(term: Mood | Genre) -> str:
    if isinstance(term, Genre):
        return f"{'Subgenre' if term.is_subgenre else 'Genre'} '{term.name}'"
    return f"{MoodLevel(term.level).label} '{term.name}'"


def _score_note(score: float | None) -> str:
    return "" if score is None else f" (model {score:.2f})"


def _log(editor, track: Track, message: str) -> None:
    # Always on the concrete Track, even when the edit came through the review queue's proxy: the history
    # of a track is one list, shown on its own admin page.
    LogEntry.objects.create(
        user_id=editor.pk,
        content_type=ContentType.objects.get_for_model(Track),
        object_id=str(track.pk),
        object_repr=str(track)[:200],
        action_flag=CHANGE,
        change_message=message,
    )
