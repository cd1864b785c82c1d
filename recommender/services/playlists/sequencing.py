"""Building the ordered list: a greedy sequence that at each position takes the candidate with the best
MMR score (Carbonell & Goldstein 1998: relevance traded against similarity to what is already in the
list, here only the similarity above ``REDUNDANCY_FLOOR``) minus the cost of the transition from the
previous track, under the hard constraints.

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

REDUNDANCY_FLOOR = 0.5
"""Similarity (cosine of mood+genre profiles) below which a candidate is not redundant at all. Plain MMR
penalises every similarity, so once the clearly relevant tracks are used up it *rewards* opposites (a
loud track after twenty calm ones); with the floor, diversity spreads a list within its mood and only
near-duplicates pay."""


@dataclass(frozen=True)
class Constraints:
    length: int
    artist_spacing: int
    max_duration_s: float | None


@dataclass(frozen=True)
class _Rows:
    """The columns sequencing reads, gathered once for the pool (not per position)."""

    va: np.ndarray
    tempo: np.ndarray
    key: np.ndarray

    @classmethod
    def of(cls, snapshot: Snapshot, rows: np.ndarray) -> _Rows:
        return cls(snapshot.va[rows], snapshot.tempo[rows], snapshot.key[rows])


def transition_cost(snapshot: Snapshot, previous: int, rows: np.ndarray) -> np.ndarray:
    """How jarring it is to go from row ``previous`` to each of ``rows``, in [0, 1]: half mood (distance in
    valence/arousal), 0.3 tempo (octave-folded log ratio, so 70 -> 140 BPM is smooth) and 0.2 key (steps on
    the circle of fifths). An unknown tempo or key costs nothing rather than a guess."""
    return _cost(_Rows.of(snapshot, np.array([previous])), 0, _Rows.of(snapshot, rows))


def _cost(prev: _Rows, i: int, pool: _Rows) -> np.ndarray:
    mood = np.hypot(pool.va[:, 0] - prev.va[i, 0], pool.va[:, 1] - prev.va[i, 1]) / VA_SPAN
    tempo = 0.0
    t0 = prev.tempo[i]
    if np.isfinite(t0) and t0 > 0:
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.abs(np.log2(pool.tempo / t0))
        folded = np.minimum(ratio % 1.0, 1.0 - ratio % 1.0)  # distance to the nearest octave
        tempo = np.where(np.isfinite(folded), np.minimum(folded * 4.0, 1.0), 0.0)
    key = 0.0
    k0 = prev.key[i]
    if k0 >= 0:
        steps = np.abs(pool.key - k0) % 12
        key = np.where(pool.key >= 0, np.minimum(steps, 12 - steps) / 6.0, 0.0)
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
    or a function of the position returning such an array (journeys).

    MMR only chooses among the ``window`` most relevant eligible candidates, ``window`` = the slots still
    to fill x (1 + 3 x diversity), diversity = (1 - lambda) / 0.8: diversity reorders and spreads the
    relevant tracks, it never reaches deep into irrelevant ones to find something different."""
    n = len(pool)
    if n == 0:
        return []
    columns = _Rows.of(snapshot, pool)
    profiles = snapshot.profile[pool]
    # Artist spacing without a set test per step: the position each pool artist was last placed at.
    _, artist_code = np.unique(snapshot.artist[pool], return_inverse=True)
    last_placed = np.full(artist_code.max() + 1, -(10**9), dtype=np.int64)
    durations = snapshot.duration[pool]
    fixed = None if callable(relevance) else (relevance, _unit_range(relevance))
    used = np.zeros(n, dtype=bool)
    max_sim = np.zeros(n, dtype=np.float32)
    total = 0.0
    picked: list[tuple[int, float]] = []
    last = -1
    breadth = 1.0 + 3.0 * (1.0 - mmr_lambda) / 0.8
    for step in range(constraints.length):
        rel, unit = fixed if fixed is not None else _with_unit(relevance(step))
        redundancy = np.clip((max_sim - REDUNDANCY_FLOOR) / (1.0 - REDUNDANCY_FLOOR), 0.0, 1.0)
        score = mmr_lambda * unit - (1.0 - mmr_lambda) * redundancy
        if last >= 0:
            score = score - transition_weight * _cost(columns, last, columns)
        eligible = ~used & (step - last_placed[artist_code] >= constraints.artist_spacing)
        if constraints.max_duration_s is not None:
            eligible &= total + durations <= constraints.max_duration_s
        if not eligible.any():
            break
        eligible &= _within_window(unit, eligible, int(np.ceil((constraints.length - step) * breadth)) + 2)
        best = int(np.argmax(np.where(eligible, score, -np.inf)))
        used[best] = True
        last = best
        total += float(durations[best])
        picked.append((int(pool[best]), float(rel[best])))
        max_sim = np.maximum(max_sim, profiles @ profiles[best])
        last_placed[artist_code[best]] = step
    return picked


def _within_window(unit: np.ndarray, eligible: np.ndarray, size: int) -> np.ndarray:
    """Eligible candidates whose relevance ranks among the ``size`` best eligible ones."""
    candidates = unit[eligible]
    if len(candidates) <= size:
        return eligible
    threshold = np.partition(candidates, len(candidates) - size)[len(candidates) - size]
    return unit >= threshold


def _with_unit(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return values, _unit_range(values)


def _unit_range(values: np.ndarray) -> np.ndarray:
    """Min-max to [0, 1] so lambda trades like against like whatever a strategy's scale."""
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-9:
        return np.ones_like(values, dtype=np.float32)
    return (values - low) / (high - low)
