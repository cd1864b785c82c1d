"""The effective moods, families and genres of a page of tracks, read in two queries whatever its length
(``catalog.services.effective_tags``), for the track serializers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from catalog.models import Track
from catalog.services.effective_tags import (
    EffectiveTag,
    effective_families,
    effective_genres_for,
    effective_moods_for,
)

__all__ = ["TAG_MIN_SCORE", "TrackTags", "tags_for"]

TAG_MIN_SCORE = 0.05
"""Terms scoring less are left out of responses: a 40-mood list of zeros tells a client nothing."""


@dataclass(frozen=True)
class TrackTags:
    moods: list[EffectiveTag] = field(default_factory=list)
    families: list[EffectiveTag] = field(default_factory=list)
    genres: list[EffectiveTag] = field(default_factory=list)


def tags_for(tracks: Sequence[Track]) -> dict[int, TrackTags]:
    ids = [track.pk for track in tracks]
    moods, genres = effective_moods_for(ids), effective_genres_for(ids)
    result = {}
    for track_id in ids:
        result[track_id] = TrackTags(
            moods=_kept(moods[track_id]),
            families=_kept(effective_families(moods[track_id])),
            genres=_kept(genres[track_id]),
        )
    return result


def _kept(tags: list[EffectiveTag]) -> list[EffectiveTag]:
    return [tag for tag in tags if tag.score >= TAG_MIN_SCORE]
