"""What a profile says, derived on read from its sums and the catalogue's prior.

- family distribution: the positive part of each family's sum, normalised, next to the catalogue prior
  (the mean family score of the public catalogue, normalised the same way);
- genres by relevance: lift = the listener's genre share / the catalogue's, top 12 (not raw counts, so
  a genre everyone has does not crowd out the ones that set this listener apart);
- prevalent family: the largest ``share x lift`` (= share^2 / prior): a family the listener hears a lot
  *and* more than the catalogue would give them by chance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recommender.models import ListenerProfile
from recommender.services.layout import layout
from recommender.services.playlists.snapshot import Snapshot

__all__ = ["FamilyShare", "GenreLift", "ProfileSummary", "TOP_GENRES", "summarise"]

TOP_GENRES = 12


@dataclass(frozen=True)
class FamilyShare:
    name: str
    colour: str
    share: float
    prior: float

    @property
    def lift(self) -> float:
        return self.share / self.prior if self.prior > 0 else 0.0


@dataclass(frozen=True)
class GenreLift:
    name: str
    share: float
    prior: float
    lift: float


@dataclass(frozen=True)
class ProfileSummary:
    families: list[FamilyShare]
    genres: list[GenreLift]
    mood_share: dict[str, float]
    mood_prior: dict[str, float]
    prevalent: FamilyShare | None
    signal_count: int

    @property
    def is_empty(self) -> bool:
        return self.prevalent is None


def _distribution(values: np.ndarray) -> np.ndarray:
    positive = np.clip(values, 0.0, None)
    total = positive.sum()
    return positive / total if total > 0 else np.zeros_like(positive)


def catalogue_priors(snapshot: Snapshot | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mood, family and genre distributions of the public, non-speech catalogue (uniform when empty)."""
    lay = layout()
    if snapshot is None or not len(snapshot):
        return tuple(np.full(n, 1.0 / n) for n in (len(lay.moods), len(lay.families), len(lay.genres)))
    cached = getattr(snapshot, "_priors", None)
    if cached is None:
        rows = snapshot.public & ~snapshot.is_speech
        if not rows.any():
            rows = np.ones(len(snapshot), dtype=bool)
        cached = tuple(
            _distribution(matrix[rows].mean(axis=0).astype(np.float64))
            for matrix in (snapshot.moods, snapshot.families, snapshot.genres)
        )
        snapshot._priors = cached
    return cached


def summarise(profile: ListenerProfile | None, snapshot: Snapshot | None) -> ProfileSummary:
    lay = layout()
    mood_prior, family_prior, genre_prior = catalogue_priors(snapshot)
    if profile is None:
        moods = np.zeros(len(lay.moods))
        families = np.zeros(len(lay.families))
        genres = np.zeros(len(lay.genres))
    else:
        moods = _distribution(np.array([profile.mood_sums.get(m, 0.0) for m in lay.moods]))
        families = _distribution(np.array([profile.family_sums.get(f, 0.0) for f in lay.families]))
        genres = _distribution(np.array([profile.genre_sums.get(g, 0.0) for g in lay.genres]))
    shares = [
        FamilyShare(name, lay.family_colours[name], float(families[i]), float(family_prior[i]))
        for i, name in enumerate(lay.families)
    ]
    prevalent = None
    if families.sum() > 0:
        prevalent = max(shares, key=lambda f: (f.share * f.lift, f.share, f.name))
    lifts = [
        GenreLift(name, float(genres[i]), float(genre_prior[i]), float(genres[i] / genre_prior[i]))
        for i, name in enumerate(lay.genres)
        if genres[i] > 0 and genre_prior[i] > 0
    ]
    lifts.sort(key=lambda g: (-g.lift, g.name))
    return ProfileSummary(
        families=shares,
        genres=lifts[:TOP_GENRES],
        mood_share=dict(zip(lay.moods, map(float, moods), strict=True)),
        mood_prior=dict(zip(lay.moods, map(float, mood_prior), strict=True)),
        prevalent=prevalent,
        signal_count=profile.signal_count if profile else 0,
    )
