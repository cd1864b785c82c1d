"""The figures of the promotion gate: held-out sets, a bundle's outputs on them, and the metric registry.

Each metric is computed on given clip rows (repeats allowed) so the bootstrap in ``decision`` can call it
on resamples. ROC-AUC is the rank-sum identity rather than scikit-learn's ``roc_auc_score``: the same
value, but cheap enough for a thousand resamples of every label.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from scipy.stats import rankdata

from ml.evaluation.retrieval import exact_neighbours
from ml.training.labels import LabelSpace, encode_targets, group_ids
from ml.training.manifest import ManifestEntry

__all__ = ["GATE_METRICS", "RETRIEVAL_K", "GateMetric", "HeldOutSet", "Outputs"]

RETRIEVAL_K = 5


@dataclass
class HeldOutSet:
    """Clips held out from training, with their targets encoded in the base bundle's label space."""

    name: str
    entries: Sequence[ManifestEntry]
    labels: LabelSpace
    group_word: str = "groups"

    @cached_property
    def targets(self) -> dict[str, np.ndarray]:
        ids = group_ids(self.entries)
        encoded = [encode_targets(e, self.labels, ids[e.group]) for e in self.entries]
        return {key: np.stack([t[key] for t in encoded]) for key in encoded[0]} if encoded else {}

    @property
    def groups(self) -> np.ndarray:
        return self.targets["group"]

    @property
    def size(self) -> tuple[int, int]:
        """(clips, groups)."""
        return len(self.entries), len({e.group for e in self.entries})


@dataclass
class Outputs:
    """One bundle's predictions on one held-out set, as arrays (``TrackPrediction`` fields)."""

    held_out: HeldOutSet
    predictions: Sequence[Any]

    @cached_property
    def moods(self) -> np.ndarray:
        return np.array([[p.moods[m] for m in self.held_out.labels.moods] for p in self.predictions])

    @cached_property
    def genres(self) -> np.ndarray:
        return np.array([[p.genres[g] for g in self.held_out.labels.genres] for p in self.predictions])

    @cached_property
    def speech(self) -> np.ndarray:
        return np.array([p.speech for p in self.predictions], dtype=np.float64)

    @cached_property
    def va(self) -> np.ndarray:
        return np.array([[p.valence, p.arousal] for p in self.predictions], dtype=np.float64)

    @cached_property
    def query_ap(self) -> np.ndarray:
        """Per clip, average precision at k of its nearest others (same group = relevant; AP@k = sum of
        P@i at each relevant rank i / min(k, relevant items), as ``ml.evaluation.retrieval.map_at_k``);
        NaN for a clip whose group has no other member. Computed on the whole set, resampled by query."""
        vectors = np.stack([np.asarray(p.embedding, dtype=np.float64) for p in self.predictions])
        groups = self.held_out.groups
        relevant = groups[exact_neighbours(vectors, RETRIEVAL_K)] == groups[:, None]
        available = np.array([(groups == g).sum() - 1 for g in groups])
        precision_at_i = np.cumsum(relevant, axis=1) / np.arange(1, relevant.shape[1] + 1)
        ap = (precision_at_i * relevant).sum(axis=1) / np.maximum(np.minimum(relevant.shape[1], available), 1)
        return np.where(available > 0, ap, np.nan)


Value = Callable[[HeldOutSet, Outputs, np.ndarray], float | None]


@dataclass(frozen=True)
class GateMetric:
    """One figure of the gate: its value on given clip rows (repeats allowed: bootstrap resamples), which
    way is better, and whether a held-out set has the labels to measure it at all."""

    value: Value
    higher_is_better: bool
    measurable: Callable[[HeldOutSet], bool]


def _auc(truth: np.ndarray, scores: np.ndarray) -> float | None:
    """ROC-AUC by the rank-sum (Mann-Whitney U) identity, ties averaged; None with one class only."""
    positives = int(truth.sum())
    negatives = truth.size - positives
    if positives == 0 or negatives == 0:
        return None
    ranks = rankdata(scores)
    return float((ranks[truth > 0].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def _macro_auc(head: str) -> Value:
    def value(held_out: HeldOutSet, outputs: Outputs, rows: np.ndarray) -> float | None:
        rows = rows[held_out.targets[f"{head}_known"][rows] > 0]
        truth, scores = held_out.targets[head][rows], getattr(outputs, f"{head}s")[rows]
        aucs = [_auc(truth[:, j], scores[:, j]) for j in range(truth.shape[1])]
        defined = [a for a in aucs if a is not None]
        return float(np.mean(defined)) if defined else None

    return value


def _scoreable(head: str) -> Callable[[HeldOutSet], bool]:
    def measurable(held_out: HeldOutSet) -> bool:
        truth = held_out.targets[head][held_out.targets[f"{head}_known"] > 0]
        return bool(truth.size and ((truth.min(axis=0) == 0) & (truth.max(axis=0) == 1)).any())

    return measurable


def _speech_accuracy(held_out: HeldOutSet, outputs: Outputs, rows: np.ndarray) -> float | None:
    rows = rows[held_out.targets["speech_known"][rows] > 0]
    if rows.size == 0:
        return None
    return float(np.mean((outputs.speech[rows] >= 0.5) == (held_out.targets["speech"][rows] > 0.5)))


def _va_mae(held_out: HeldOutSet, outputs: Outputs, rows: np.ndarray) -> float | None:
    rows = rows[held_out.targets["va_known"][rows] > 0]
    if rows.size == 0:
        return None
    return float(np.mean(np.abs(outputs.va[rows] - held_out.targets["va"][rows])))


def _retrieval(held_out: HeldOutSet, outputs: Outputs, rows: np.ndarray) -> float | None:
    values = outputs.query_ap[rows]
    values = values[np.isfinite(values)]
    return float(values.mean()) if values.size else None


def _known(head: str) -> Callable[[HeldOutSet], bool]:
    return lambda held_out: bool((held_out.targets[f"{head}_known"] > 0).any())


def _retrievable(held_out: HeldOutSet) -> bool:
    groups = held_out.groups
    return len(set(groups.tolist())) >= 2 and any((groups == g).sum() > 1 for g in set(groups.tolist()))


GATE_METRICS: dict[str, GateMetric] = {
    "mood ROC-AUC": GateMetric(_macro_auc("mood"), True, _scoreable("mood")),
    "genre ROC-AUC": GateMetric(_macro_auc("genre"), True, _scoreable("genre")),
    "speech accuracy": GateMetric(_speech_accuracy, True, _known("speech")),
    "valence/arousal MAE": GateMetric(_va_mae, False, _known("va")),
    f"retrieval MAP@{RETRIEVAL_K}": GateMetric(_retrieval, True, _retrievable),
}
"""Every figure a candidate must not be worse on (see the module docstring)."""
