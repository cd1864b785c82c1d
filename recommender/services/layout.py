"""The fixed label layout of packed score vectors: level-2 moods, families and genres in ``ml.taxonomy``
order (the tagger's label order). Plain data, computed once per process."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from ml import taxonomy

__all__ = ["Layout", "layout"]


@dataclass(frozen=True)
class Layout:
    moods: tuple[str, ...]
    families: tuple[str, ...]
    genres: tuple[str, ...]
    family_colours: dict[str, str]
    mood_family: np.ndarray  # mood index -> family index
    mood_va: np.ndarray  # (n_moods, 2) valence/arousal of each mood
    family_va: np.ndarray  # (n_families, 2) centroid of each family's moods

    @property
    def mood_index(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.moods)}

    @property
    def family_index(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.families)}

    @property
    def genre_index(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.genres)}

    def family_scores(self, mood_scores: np.ndarray) -> np.ndarray:
        """Family score = max of its moods' scores (the catalogue's rule), for rows of mood scores."""
        mood_scores = np.atleast_2d(mood_scores)
        out = np.zeros((mood_scores.shape[0], len(self.families)), dtype=np.float32)
        for f in range(len(self.families)):
            out[:, f] = mood_scores[:, self.mood_family == f].max(axis=1)
        return out


@cache
def layout() -> Layout:
    moods = taxonomy.moods()
    families = taxonomy.families()
    family_names = tuple(f.name for f in families)
    family_pos = {name: i for i, name in enumerate(family_names)}
    mood_family = np.array([family_pos[m.family] for m in moods], dtype=np.int16)
    mood_va = np.array([[m.valence, m.arousal] for m in moods], dtype=np.float32)
    family_va = np.array([mood_va[mood_family == f].mean(axis=0) for f in range(len(families))])
    return Layout(
        moods=tuple(m.name for m in moods),
        families=family_names,
        genres=tuple(taxonomy.genres()),
        family_colours={f.name: f.colour for f in families},
        mood_family=mood_family,
        mood_va=mood_va,
        family_va=family_va.astype(np.float32),
    )
