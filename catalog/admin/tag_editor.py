"""The tag editor on a track's admin page: every mood and genre with the model's score beside the
editor's verdict, buttons to confirm, remove or withdraw, a field to add any term, and the review state.

:func:`editor_context` gathers what the panel shows (a fixed handful of queries); :func:`apply_operation`
runs one posted operation through ``catalog.services.editing``. Operations are a registry keyed by the
submit button's value (``"confirm mood 12"``, ``"add genre"``, ``"reviewed"`` ...), not an if/elif chain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from catalog.admin.widgets import term_colour
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
from catalog.services.editing import (
    PRESENCE_THRESHOLD,
    EditingError,
    mark_reviewed,
    mark_unreviewed,
    resolve_genre_term,
    resolve_mood_term,
    set_verdict,
    withdraw_verdict,
)
from catalog.services.effective_tags import effective_families, effective_genres_for, effective_moods_for

__all__ = ["OPERATIONS", "Outcome", "TagRow", "apply_operation", "editor_context"]


@dataclass(frozen=True)
class TagRow:
    """One term on the panel: the model's score (None if it does not predict the term), the editor's
    verdict ("" if none) and the effective score the catalogue uses."""

    kind: str  # "mood" or "genre"
    term: Mood | Genre
    level: str
    colour: str
    model_score: float | None
    verdict: str
    effective: float | None

    @property
    def worth_a_look(self) -> bool:
        """Decided by an editor, or present by the model or by an editor's word or subgenre."""
        return bool(self.verdict) or max(self.model_score or 0.0, self.effective or 0.0) >= PRESENCE_THRESHOLD


def editor_context(track: Track) -> dict:
    """What the tag panel of ``track`` shows: mood and genre rows split into those worth a look (an editor
    verdict, or present by the model or by implication) and the rest, derived families, the analysis,
    the review and the names the add fields suggest."""
    moods = _rows("mood", TrackMood.objects.filter(track=track).select_related("mood__parent__parent"))
    genres = _rows("genre", TrackGenre.objects.filter(track=track).select_related("genre__parent"))
    effective_moods = effective_moods_for([track.pk])[track.pk]
    mood_rows, more_moods = _split(_with_effective(moods, effective_moods))
    genre_rows, more_genres = _split(_with_effective(genres, effective_genres_for([track.pk])[track.pk]))
    return {
        "mood_rows": mood_rows,
        "more_mood_rows": more_moods,
        "genre_rows": genre_rows,
        "more_genre_rows": more_genres,
        "families": [f for f in effective_families(effective_moods) if f.score >= PRESENCE_THRESHOLD],
        "analysis": getattr(track, "analysis", None),
        "review": TrackReview.objects.filter(track=track).select_related("reviewer").first(),
        "mood_names": list(Mood.objects.terms().order_by("name").values_list("name", flat=True)),
        "genre_names": list(Genre.objects.order_by("name").values_list("name", flat=True)),
        "threshold": PRESENCE_THRESHOLD,
    }


def _rows(kind: str, tags) -> list[TagRow]:
    by_term: dict[int, dict] = {}
    for tag in tags:
        term = tag.mood if kind == "mood" else tag.genre
        entry = by_term.setdefault(term.pk, {"term": term, "model_score": None, "verdict": ""})
        if tag.source == TagSource.MODEL:
            entry["model_score"] = tag.score
        else:
            entry["verdict"] = tag.verdict
    return [
        TagRow(
            kind=kind,
            term=entry["term"],
            level=_level(entry["term"]),
            colour=term_colour(entry["term"]),
            model_score=entry["model_score"],
            verdict=entry["verdict"],
            effective=None,
        )
        for entry in by_term.values()
    ]


def _with_effective(rows: list[TagRow], effective) -> list[TagRow]:
    scores = {tag.term.pk: tag.score for tag in effective}
    rows = [
        TagRow(**{**row.__dict__, "effective": scores.get(row.term.pk)})  # frozen: rebuild with the score
        for row in rows
    ]
    return sorted(rows, key=lambda r: (-(r.model_score or 0), r.term.name))


def _split(rows: list[TagRow]) -> tuple[list[TagRow], list[TagRow]]:
    """(the rows worth a look, the others), order kept."""
    return [r for r in rows if r.worth_a_look], [r for r in rows if not r.worth_a_look]


def _level(term: Mood | Genre) -> str:
    if isinstance(term, Genre):
        return "subgenre" if term.is_subgenre else "genre"
    return MoodLevel(term.level).label.lower()


@dataclass(frozen=True)
class Outcome:
    """What an operation did, for the page's message; ``ok`` False means nothing changed."""

    message: str
    ok: bool = True
    go_to_next: bool = False


Operation = Callable[[HttpRequest, Track, list[str]], Outcome]
OPERATIONS: dict[str, Operation] = {}


def operation(name: str) -> Callable[[Operation], Operation]:
    def register(fn: Operation) -> Operation:
        OPERATIONS[name] = fn
        return fn

    return register


def apply_operation(request: HttpRequest, track: Track) -> Outcome:
    """Run the operation named by the posted ``op`` (``"<name> [kind] [term id]"``) on ``track``."""
    name, *args = (request.POST.get("op") or "").split()
    handler = OPERATIONS.get(name)
    if handler is None:
        return Outcome("Unknown operation.", ok=False)
    try:
        return handler(request, track, args)
    except EditingError as exc:
        return Outcome(str(exc), ok=False)


def _term(args: list[str]) -> Mood | Genre:
    kind, pk = (args + ["", ""])[:2]
    model = {"mood": Mood, "genre": Genre}.get(kind)
    term = model.objects.select_related("parent").filter(pk=pk).first() if model and pk.isdigit() else None
    if term is None:
        raise EditingError("That term no longer exists.")
    return term


@operation("confirm")
def _confirm(request, track, args) -> Outcome:
    return Outcome(set_verdict(track, _term(args), Verdict.PRESENT, request.user))


@operation("remove")
def _remove(request, track, args) -> Outcome:
    return Outcome(set_verdict(track, _term(args), Verdict.ABSENT, request.user))


@operation("withdraw")
def _withdraw(request, track, args) -> Outcome:
    message = withdraw_verdict(track, _term(args), request.user)
    return Outcome(message or "There was no editor verdict to withdraw.", ok=message is not None)


@operation("add")
def _add(request, track, args) -> Outcome:
    kind = args[0] if args else ""
    resolvers = {"mood": resolve_mood_term, "genre": resolve_genre_term}
    if kind not in resolvers:
        return Outcome("Unknown operation.", ok=False)
    term = resolvers[kind](request.POST.get(f"{kind}_term", ""))
    return Outcome(set_verdict(track, term, Verdict.PRESENT, request.user))


@operation("reviewed")
def _reviewed(request, track, args) -> Outcome:
    mark_reviewed([track], request.user)
    return Outcome("Marked reviewed.", go_to_next="next" in args)


@operation("unreviewed")
def _unreviewed(request, track, args) -> Outcome:
    changed = mark_unreviewed([track], request.user)
    if not changed:
        return Outcome("The track was not reviewed.", ok=False)
    return Outcome("Marked unreviewed: the track is back in the review queue.")
