"""Turning names and points into vectors over the snapshot: "calm" (a family), "serene" (a mood),
"tranquil" (a word, resolved to its mood) or a valence/arousal point."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ml import taxonomy
from recommender.services.layout import layout
from recommender.services.playlists.snapshot import Snapshot

__all__ = ["MoodTarget", "VA_SPAN", "resolve_target", "va_closeness"]

VA_SPAN = float(np.hypot(2.0, 2.0))
"""Largest distance in the valence/arousal square: closeness = 1 - distance / VA_SPAN."""


@dataclass(frozen=True)
class MoodTarget:
    """A named target: which score column it reads (a family or a mood) and where it sits in VA space."""

    name: str
    label: str  # shown in reasons, e.g. "Peaceful"
    is_family: bool
    column: int
    va: tuple[float, float]

    def scores(self, snapshot: Snapshot) -> np.ndarray:
        matrix = snapshot.families if self.is_family else snapshot.moods
        return matrix[:, self.column]

    def score_of(self, snapshot: Snapshot, row: int) -> float:
        matrix = snapshot.families if self.is_family else snapshot.moods
        return float(matrix[row, self.column])


def resolve_target(name: str) -> MoodTarget:
    """A family name first (families are what the chips show), else a mood or word. KeyError if unknown."""
    lay = layout()
    key = " ".join(name.split()).lower()
    if key in lay.family_index:
        column = lay.family_index[key]
        va = lay.family_va[column]
        return MoodTarget(key, key.title(), True, column, (float(va[0]), float(va[1])))
    mood = taxonomy.resolve(key)
    column = lay.mood_index[mood.name]
    return MoodTarget(mood.name, mood.name.title(), False, column, (mood.valence, mood.arousal))


def va_closeness(
    snapshot: Snapshot, point: tuple[float, float], rows: np.ndarray | None = None
) -> np.ndarray:
    va = snapshot.va if rows is None else snapshot.va[rows]
    return 1.0 - np.hypot(va[:, 0] - point[0], va[:, 1] - point[1]) / VA_SPAN
