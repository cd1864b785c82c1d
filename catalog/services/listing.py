"""What a catalogue row says about a track's sound: its strongest mood families and its top genre.

Families, not level-2 moods: a family always has a score (the max of its moods), while on real music
most single moods stay under the panel's display threshold, so a row of mood names would mostly be empty.
Two queries for a whole page, whatever its length (``effective_moods_for`` / ``effective_genres_for``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from catalog.models import Track
from catalog.services.effective_tags import (
    EffectiveTag,
    effective_families,
    effective_genres_for,
    effective_moods_for,
)

__all__ = ["RowTags", "row_tags"]

ROW_FAMILIES = 2
ROW_GENRE_MIN = 0.25
"""A genre scoring less is not named in the row (the same threshold as the track page's genres)."""


@dataclass(frozen=True)
class RowTags:
    families: list[EffectiveTag]
    genre: EffectiveTag | None


def row_tags(tracks: Sequence[Track]) -> dict[int, RowTags]:
    """Track id -> its row tags, for tracks on one page (editors' verdicts win, as everywhere)."""
    ids = [track.pk for track in tracks]
    moods, genres = effective_moods_for(ids), effective_genres_for(ids)
    rows = {}
    for track_id in ids:
        families = [tag for tag in effective_families(moods[track_id]) if tag.score > 0][:ROW_FAMILIES]
        genre = next((tag for tag in genres[track_id] if tag.score >= ROW_GENRE_MIN), None)
        rows[track_id] = RowTags(families, genre)
    return rows
