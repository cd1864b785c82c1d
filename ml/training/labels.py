"""Turn manifest entries into target arrays plus "known" masks, in a fixed label order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ml.training.manifest import ManifestEntry, genre_vocabulary, mood_vocabulary

__all__ = ["LabelSpace", "group_ids", "encode_targets"]


@dataclass(frozen=True)
class LabelSpace:
    """The label order a model is trained with: moods (taxonomy order) and genres with a positive."""

    moods: tuple[str, ...]
    genres: tuple[str, ...]

    @classmethod
    def from_entries(cls, entries: Sequence[ManifestEntry]) -> LabelSpace:
        return cls(moods=mood_vocabulary(entries), genres=genre_vocabulary(entries))


def group_ids(entries: Sequence[ManifestEntry]) -> dict[str, int]:
    """Integer ids for the triplet groups of `entries` (sorted names), consistent within one dataset."""
    return {group: i for i, group in enumerate(sorted({e.group for e in entries}))}


def _multi_hot(names: tuple[str, ...] | None, vocabulary: tuple[str, ...]) -> tuple[np.ndarray, float]:
    vector = np.zeros(len(vocabulary), dtype=np.float32)
    if names is None:
        return vector, 0.0
    index = {name: i for i, name in enumerate(vocabulary)}
    for name in names:
        # A label outside the trained vocabulary (no training positive) cannot be learned; it is
        # dropped rather than failing, and the clip still counts as a known negative for the rest.
        if name in index:
            vector[index[name]] = 1.0
    return vector, 1.0


def encode_targets(entry: ManifestEntry, labels: LabelSpace, group: int) -> dict[str, np.ndarray]:
    """Targets of one clip: arrays for "mood", "genre", "speech", "va", "mode", "group" and a float 0/1
    "<head>_known" per head (0 = unknown, masked in the loss); `group` is the clip's triplet group id."""
    mood, mood_known = _multi_hot(entry.moods, labels.moods)
    genre, genre_known = _multi_hot(entry.genres, labels.genres)
    return {
        "mood": mood,
        "mood_known": np.float32(mood_known),
        "genre": genre,
        "genre_known": np.float32(genre_known),
        "speech": np.float32(entry.speech or 0),
        "speech_known": np.float32(entry.speech is not None),
        "va": np.array([entry.valence or 0.0, entry.arousal or 0.0], dtype=np.float32),
        "va_known": np.float32(entry.has_va),
        "mode": np.float32(entry.mode or 0),
        "mode_known": np.float32(entry.mode is not None),
        "group": np.int64(group),
    }
