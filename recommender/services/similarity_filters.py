"""SQL for the filters of a similarity query: which embedding rows may be compared at all.

Every condition is written against ``catalog_trackembedding`` joined to its track, as correlated
``EXISTS`` sub-queries over the tag tables (each probe is one lookup in the ``(track, term, source)``
unique index). That shape matters for pgvector: with ``hnsw.iterative_scan`` the HNSW scan yields rows in
distance order and PostgreSQL tests each one against these conditions until ``k`` pass, so the cost grows
with 1 / selectivity, never with the catalogue.

Mood families and genres follow the effective-tag rules of ``catalog.services.effective_tags`` (editors
first): a track is "in" a family when one of the family's moods has an effective score of at least
``TAG_MIN_SCORE``, i.e. an editor confirmed the mood, or an editor confirmed one of its words and nobody
removed the mood, or the model scored it that high and no editor gave a verdict on it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from django.db.models import Exists, Model, OuterRef, Q

from catalog.choices import Visibility
from catalog.models import Genre, Mood, MoodLevel, TagSource, TrackGenre, TrackMood, Verdict
from catalog.models.tracks import visible_q

__all__ = ["TAG_MIN_SCORE", "Scope", "SimilarityFilters", "filter_q"]

TAG_MIN_SCORE = 0.5
"""A mood family or genre filter keeps tracks whose effective score for it is at least this: the model
thinks it more likely than not, or an editor said so."""


class Scope:
    """Whose tracks a query may return, always within what the listener may see."""

    VISIBLE = "visible"  # Track.visible_to: public, the listener's own, submitted ones for editors
    PUBLIC = "public"  # public tracks only (what a shared page or a partner may show)
    OWN = "own"  # the listener's own uploads

    ALL = (VISIBLE, PUBLIC, OWN)


@dataclass(frozen=True)
class SimilarityFilters:
    """Restrictions every returned track satisfies. Sets of families or genres mean "any of them";
    different kinds of restriction combine with "and"."""

    exclude_track_ids: frozenset[int] = field(default_factory=frozenset)
    exclude_artist_ids: frozenset[int] = field(default_factory=frozenset)
    mood_family_ids: frozenset[int] = field(default_factory=frozenset)
    genre_ids: frozenset[int] = field(default_factory=frozenset)
    scope: str = Scope.VISIBLE

    def __post_init__(self):
        if self.scope not in Scope.ALL:
            raise ValueError(f"scope must be one of {Scope.ALL}, not {self.scope!r}")

    @property
    def needs_database(self) -> bool:
        """Filters an in-memory index cannot apply by over-fetching a few candidates: tag and scope
        filters can keep a small fraction of the catalogue, so they go to pgvector. Excluded tracks and
        artists remove a handful of rows and are applied to Annoy's candidates."""
        return bool(self.mood_family_ids or self.genre_ids or self.scope != Scope.VISIBLE)

    def excluding(self, *, track_ids: Collection[int] = (), artist_ids: Collection[int] = ()):
        return SimilarityFilters(
            exclude_track_ids=self.exclude_track_ids | frozenset(track_ids),
            exclude_artist_ids=self.exclude_artist_ids | frozenset(artist_ids),
            mood_family_ids=self.mood_family_ids,
            genre_ids=self.genre_ids,
            scope=self.scope,
        )


def filter_q(filters: SimilarityFilters, user, *, track: str = "track") -> Q:
    """One Q over a model with a ``track`` foreign key (``TrackEmbedding``): visibility, scope, exclusions
    and tag filters. ``track`` is the lookup path of the track from that model."""
    q = scope_q(filters.scope, user, track=track)
    if filters.exclude_track_ids:
        q &= ~Q(**{f"{track}_id__in": sorted(filters.exclude_track_ids)})
    if filters.exclude_artist_ids:
        q &= ~Q(**{f"{track}__artist_id__in": sorted(filters.exclude_artist_ids)})
    if filters.mood_family_ids:
        q &= family_q(filters.mood_family_ids, track=track)
    if filters.genre_ids:
        q &= genre_q(filters.genre_ids, track=track)
    return q


def scope_q(scope: str, user, *, track: str = "track") -> Q:
    """What ``user`` may see (``Track.visible_to``'s own rule, spelled as a join so the HNSW scan stays
    the outer loop), narrowed by ``scope``."""
    if scope == Scope.OWN:
        signed_in = user is not None and user.is_authenticated
        return Q(**{f"{track}__owner_id": user.pk}) if signed_in else Q(pk__in=[])
    if scope == Scope.PUBLIC:
        return Q(**{f"{track}__visibility": Visibility.PUBLIC})
    return visible_q(user, prefix=f"{track}__")


def family_q(family_ids: Collection[int], *, track: str = "track") -> Q:
    """Tracks in any of the mood families ``family_ids`` (effective scores, editors first)."""
    mood_ids = list(
        Mood.objects.filter(parent_id__in=list(family_ids), level=MoodLevel.MOOD).values_list("pk", flat=True)
    )
    return _has_scored_term(TrackMood, "mood", mood_ids, track=track)


def genre_q(genre_ids: Collection[int], *, track: str = "track") -> Q:
    """Tracks with any of the top-level genres ``genre_ids`` (effective scores, editors first)."""
    top = list(Genre.objects.filter(pk__in=list(genre_ids), parent__isnull=True).values_list("pk", flat=True))
    return _has_scored_term(TrackGenre, "genre", top, track=track)


def _has_scored_term(tag_model: type[Model], term: str, term_ids: list[int], *, track: str) -> Q:
    """EXISTS-conditions for "the track's effective score of one of ``term_ids`` is >= TAG_MIN_SCORE".

    ``term_ids`` are scored terms (level-2 moods, top-level genres); their children are words/subgenres.
    """
    if not term_ids:
        return Q(pk__in=[])
    # A confirmed child implies its parent unless an editor removed the parent itself.
    parent_removed = tag_model.objects.filter(
        track_id=OuterRef("track_id"),
        **{f"{term}_id": OuterRef(f"{term}__parent_id")},
        source=TagSource.EDITOR,
        verdict=Verdict.ABSENT,
    )
    # The model's score stands only where no editor gave a verdict on that term (present or absent:
    # other editor rows, such as a prediction accepted at review, are no verdict).
    editor_verdict = tag_model.objects.filter(
        track_id=OuterRef("track_id"),
        **{f"{term}_id": OuterRef(f"{term}_id")},
        source=TagSource.EDITOR,
        verdict__in=[Verdict.PRESENT, Verdict.ABSENT],
    )
    editor_confirmed = Q(**{f"{term}_id__in": term_ids}, source=TagSource.EDITOR, verdict=Verdict.PRESENT)
    child_confirmed = Q(
        **{f"{term}__parent_id__in": term_ids}, source=TagSource.EDITOR, verdict=Verdict.PRESENT
    ) & ~Exists(parent_removed)
    model_scored = Q(
        **{f"{term}_id__in": term_ids}, source=TagSource.MODEL, score__gte=TAG_MIN_SCORE
    ) & ~Exists(editor_verdict)
    # One EXISTS over the track's own tag rows (a probe of the track_id index per candidate), not three
    # EXISTS joined by OR: PostgreSQL turns those into hashed sub-plans that first collect every track
    # of the family (10% of the catalogue) before the HNSW scan starts.
    matching = tag_model.objects.filter(track_id=OuterRef(f"{track}_id")).filter(
        editor_confirmed | child_confirmed | model_scored
    )
    return Q(Exists(matching))
