"""Building the ordered list: a greedy sequence that at each position takes the candidate with the best
MMR score (Carbonell & Goldstein 1998: relevance traded against similarity to what is already in the
list) minus the cost of the transition from the previous track, under the hard constraints.

Constraints hold by construction, for any input: a candidate is never eligible twice, never within
``artist_spacing`` positions of a track by the same artist, and never when it would push the total over
``max_duration_s``. The list ends early when nothing eligible is left.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from recommender.services.playlists.snapshot import Snapshot
from recommender.services.playlists.targets import VA_SPAN

__all__ = ["Constraints", "sequence", "transition_cost"]

StepRelevance = Callable[[int], np.ndarray]


@dataclass(frozen=True)
class Constraints:
    length: int
    artist_spacing: int
    max_duration_s: float | None


def transition_cost(snapshot: Snapshot, previous: int, rows: np.ndarray) -> np.ndarray:
    """How jarring it is to go from row ``previous`` to each of ``rows``, in [0, 1]: half mood (distance in
    valence/arousal), 0.3 tempo (octave-folded log ratio, so 70 -> 140 BPM is smooth) and 0.2 key (steps on
    the circle of fifths). An unknown tempo or key costs nothing rather than a guess."""
    va = snapshot.va[rows]
    mood = np.hypot(va[:, 0] - snapshot.va[previous, 0], va[:, 1] - snapshot.va[previous, 1]) / VA_SPAN
    tempo = np.zeros(len(rows), dtype=np.float32)
    t0 = snapshot.tempo[previous]
    if np.isfinite(t0) and t0 > 0:
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.abs(np.log2(snapshot.tempo[rows] / t0))
        folded = np.minimum(ratio % 1.0, 1.0 - ratio % 1.0)  # distance to the nearest octave
        tempo = np.where(np.isfinite(folded), np.minimum(folded * 4.0, 1.0), 0.0)
    key = np.zeros(len(rows), dtype=np.float32)
    k0 = snapshot.key[previous]
    if k0 >= 0:
        keys = snapshot.key[rows]
        steps = np.abs(keys - k0) % 12
        key = np.where(keys >= 0, np.minimum(steps, 12 - steps) / 6.0, 0.0)
    return 0.5 * mood + 0.3 * tempo + 0.2 * key


def sequence(
    snapshot: Snapshot,
    pool: np.ndarray,
    relevance: np.ndarray | StepRelevance,
    constraints: Constraints,
    *,
    mmr_lambda: float,
    transition_weight: float,
) -> list[tuple[int, float]]:
    """The ordered playlist as ``(row, relevance at its position)``. ``relevance`` is aligned with ``pool``,
    or a function of the position returning such an array (journeys)."""
    n = len(pool)
    if n == 0:
        return []
    profiles = snapshot.profile[pool]
    artists = snapshot.artist[pool]
    durations = snapshot.duration[pool]
    used = np.zeros(n, dtype=bool)
    max_sim = np.zeros(n, dtype=np.float32)
    total = 0.0
    picked: list[tuple[int, float]] = []
    recent_artists: list[int] = []
    for step in range(constraints.length):
        rel = relevance(step) if callable(relevance) else relevance
        score = mmr_lambda * _unit_range(rel) - (1.0 - mmr_lambda) * max_sim
        if picked:
            score = score - transition_weight * transition_cost(snapshot, picked[-1][0], pool)
        eligible = ~used
        if recent_artists:
            eligible &= ~np.isin(artists, recent_artists)
        if constraints.max_duration_s is not None:
            eligible &= total + durations <= constraints.max_duration_s
        if not eligible.any():
            break
        best = int(np.argmax(np.where(eligible, score, -np.inf)))
        used[best] = True
        total += float(durations[best])
        picked.append((int(pool[best]), float(rel[best])))
        max_sim = np.maximum(max_sim, profiles @ profiles[best])
        window = constraints.artist_spacing - 1  # artists the next pick must not repeat
        recent_artists = (recent_artists + [int(artists[best])])[-window:] if window else []
    return picked


def _unit_range(values: np.ndarray) -> np.ndarray:
    """Min-max to [0, 1] so lambda trades like against like whatever a strategy's scale."""
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-9:
        return np.ones_like(values, dtype=np.float32)
    return (values - low) / (high - low)
