"""The "similar tracks" list of a track page: neighbours from the facade, with what they share.

Each row names the moods the two tracks share (level-2 moods both score at least ``SHARED_MIN``,
editors first as everywhere), or, when no mood is shared, the mood families. A constant number of
queries whatever the list length: the facade (2-3), the tracks with their artists (1), the tags (1).
"""

from __future__ import annotations

from dataclasses import dataclass

from catalog.models import Track
from catalog.services.effective_tags import EffectiveTag, effective_families, effective_moods_for
from recommender.services.similarity import similar_tracks

__all__ = ["SHARED_MIN", "SimilarRow", "similar_rows"]

SHARED_MIN = 0.25
"""A mood counts as shared when both tracks score at least this (the track page's display threshold)."""
SHOWN_SHARED = 3


@dataclass(frozen=True)
class SimilarRow:
    track: Track
    similarity: float
    shared: list[EffectiveTag]  # the neighbour's tags for the shared moods (or families), strongest first
    shared_kind: str  # "moods", "families" or "" when nothing is shared


def similar_rows(track: Track, user, k: int = 8) -> list[SimilarRow]:
    """Up to ``k`` tracks ``user`` may see that sound like ``track``, nearest first."""
    neighbours = similar_tracks(track, user=user, k=k)
    if not neighbours:
        return []
    tracks = Track.objects.select_related("artist").in_bulk([n.track_id for n in neighbours])
    moods = effective_moods_for([track.pk, *tracks])
    seed_moods = _names(moods[track.pk])
    seed_families = _names(effective_families(moods[track.pk]))
    rows = []
    for neighbour in neighbours:
        other = tracks.get(neighbour.track_id)
        if other is None:  # deleted between the two queries
            continue
        shared = [tag for tag in _strong(moods[other.pk]) if tag.term.name in seed_moods]
        kind = "moods" if shared else ""
        if not shared:
            families = effective_families(moods[other.pk])
            shared = [tag for tag in _strong(families) if tag.term.name in seed_families]
            kind = "families" if shared else ""
        rows.append(SimilarRow(other, neighbour.similarity, shared[:SHOWN_SHARED], kind))
    return rows


def _strong(tags: list[EffectiveTag]) -> list[EffectiveTag]:
    return [tag for tag in tags if tag.score >= SHARED_MIN and tag.term.level <= 2]


def _names(tags: list[EffectiveTag]) -> set[str]:
    return {tag.term.name for tag in _strong(tags)}
