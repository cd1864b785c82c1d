"""The gate a fine-tuned bundle passes before it replaces the default one (``train_from_editors``).

A candidate is compared with the base bundle on **held-out sets**: the editors' test split (artists the
fine-tune never saw) and, when the base corpus is given, the corpus' own test split. The base is a model
listeners already rely on, so the candidate must not be worse on anything the product uses:

- mood and genre ranking (macro ROC-AUC over the labels the set can score),
- the speech/music decision (accuracy at 0.5: the flag the catalogue shows),
- valence and arousal (mean absolute error over both, on the taxonomy's [-1, 1] scale),
- embedding retrieval (mean average precision of the 5 nearest neighbours, relevant = same group: same
  artist, same corpus group), which similar tracks, playlists and the partner API are built on. MAP
  rather than precision: with two or three clips per artist, precision@5 cannot tell a same-artist
  neighbour in first place from one in fifth.

:data:`GATE_METRICS` is the registry. Each metric is judged on every held-out set that has the labels for
it, and each must be measurable on at least one set: editors tag moods and genres only, so speech and
valence/arousal come from the corpus' test split, and without it the gate refuses rather than guess.
Each set must hold at least ``min_clips`` clips from ``min_groups`` groups (:func:`check_ready`, run before
any training), so a decision never rests on a couple of clips.

Every figure is reported with a 95% bootstrap interval (percentile method, ``rounds`` resamples of
whole groups with replacement: clips of one artist are not independent), and so is the change, paired
on the same resamples. The decision itself is on the point estimates: promote only when no figure is
worse than the base's by more than ``tolerance``; the intervals show how much that decision can be
trusted. (Efron & Tibshirani 1993, "An Introduction to the Bootstrap", ch. 13; the cluster bootstrap of
Field & Welsh 2007, "Bootstrapping clustered data", JRSS B 69(3).)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from scipy.stats import rankdata

from ml.evaluation.retrieval import exact_neighbours
from ml.training.labels import LabelSpace, encode_targets, group_ids
from ml.training.manifest import ManifestEntry

__all__ = [
    "GATE_METRICS",
    "Decision",
    "GateCannotJudge",
    "GateMetric",
    "GateOptions",
    "GateRow",
    "HeldOutSet",
    "Outputs",
    "check_ready",
    "judge",
]

RETRIEVAL_K = 5
Interval = tuple[float, float]


class GateCannotJudge(ValueError):
    """The held-out sets cannot support a decision (too small, or a metric has no labels anywhere); the
    message says what is missing."""


@dataclass(frozen=True)
class GateOptions:
    """How strict the gate is. ``tolerance`` is the largest allowed drop of any figure (rise for MAE)."""

    tolerance: float = 0.0
    min_clips: int = 30
    min_groups: int = 5
    rounds: int = 1000
    seed: int = 0


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


def check_ready(sets: Sequence[HeldOutSet], options: GateOptions) -> None:
    """Raise :class:`GateCannotJudge` unless every set is large enough and every metric is measurable on
    at least one of them: the checks that need no model, run before any training."""
    problems = []
    for held_out in sets:
        clips, groups = held_out.size
        if clips < options.min_clips or groups < options.min_groups:
            problems.append(
                f"{held_out.name}: {clips} clip(s) from {groups} {held_out.group_word}; the gate needs at "
                f"least {options.min_clips} clips from {options.min_groups} {held_out.group_word}"
            )
    unmeasurable = [
        name
        for name, metric in GATE_METRICS.items()
        if not any(held_out.entries and metric.measurable(held_out) for held_out in sets)
    ]
    if unmeasurable:
        where = " or ".join(s.name for s in sets) or "no held-out set"
        problems.append(
            f"cannot check {', '.join(unmeasurable)}: no clip in {where} has the labels "
            "(speech and valence/arousal come from the base corpus' test split: pass --base-manifest)"
        )
    if problems:
        raise GateCannotJudge("the promotion gate cannot judge a candidate: " + "; ".join(problems))


@dataclass(frozen=True)
class GateRow:
    """One metric on one held-out set: point estimates, 95% bootstrap intervals, and the verdict."""

    metric: str
    held_out: str
    before: float | None
    after: float | None
    before_ci: Interval | None = None
    after_ci: Interval | None = None
    change_ci: Interval | None = None
    worse: bool = False

    @property
    def change(self) -> float | None:
        return None if self.before is None or self.after is None else self.after - self.before


@dataclass(frozen=True)
class Decision:
    """The gate's rows and decision, with the reason in words."""

    rows: list[GateRow]
    promote: bool
    reason: str
    rounds: int = 0

    def lines(self) -> list[str]:
        def fmt(value: float | None) -> str:
            return "   n/a" if value is None else f"{value:6.3f}"

        def interval(ci: Interval | None) -> str:
            return "" if ci is None else f"[{ci[0]:+.3f}, {ci[1]:+.3f}]"

        out = [
            f"{'held-out metric':<22} {'set':<20} {'before':>6} {'after':>6} {'change':>7}  95% CI of change"
        ]
        for row in self.rows:
            change = "" if row.change is None else f"{row.change:+7.3f}"
            mark = " !" if row.worse else ""
            out.append(
                f"{row.metric:<22} {row.held_out:<20} {fmt(row.before)} {fmt(row.after)} {change:>7}  "
                f"{interval(row.change_ci)}{mark}"
            )
        out.append(f"(bootstrap over held-out groups, {self.rounds} resamples; ! worse than the base)")
        return out


def judge(
    sets: Sequence[HeldOutSet],
    before: Sequence[Outputs],
    after: Sequence[Outputs] | None,
    options: GateOptions,
    *,
    failure: str = "",
) -> Decision:
    """Compare the base's outputs (``before``) with the candidate's (``after``, None when there is no
    candidate: ``failure`` says why) on each held-out set, metric by metric; see the module docstring."""
    rows: list[GateRow] = []
    unmeasured: list[str] = []
    for index, held_out in enumerate(sets):
        resamples = _resamples(held_out.groups, options.rounds, options.seed)
        full = np.arange(len(held_out.entries))
        for name, metric in GATE_METRICS.items():
            if not held_out.entries or not metric.measurable(held_out):
                continue
            base = metric.value(held_out, before[index], full)
            if after is None:
                rows.append(GateRow(name, held_out.name, _finite(base), None))
                continue
            rows.append(_row(name, metric, held_out, before[index], after[index], resamples, options))
            if rows[-1].before is not None and rows[-1].after is None:
                unmeasured.append(f"{name} ({held_out.name})")
    if after is None:
        return Decision(rows, False, failure or "no fine-tuned model to compare", options.rounds)
    if unmeasured:
        return Decision(rows, False, f"the fine-tuned model has no {', '.join(unmeasured)}", options.rounds)
    judged = {row.metric for row in rows if row.before is not None}
    missing = [name for name in GATE_METRICS if name not in judged]
    if missing:
        return Decision(
            rows, False, f"the base model cannot be scored on {', '.join(missing)}", options.rounds
        )
    worse = [_worse_text(row) for row in rows if row.worse]
    if worse:
        return Decision(rows, False, "worse on held-out data: " + "; ".join(worse), options.rounds)
    return Decision(rows, True, "not worse on any held-out figure", options.rounds)


def _row(
    name: str,
    metric: GateMetric,
    held_out: HeldOutSet,
    before: Outputs,
    after: Outputs,
    resamples: list[np.ndarray],
    options: GateOptions,
) -> GateRow:
    full = np.arange(len(held_out.entries))
    point_before = _finite(metric.value(held_out, before, full))
    point_after = _finite(metric.value(held_out, after, full))
    samples = np.array(
        [
            [_nan(metric.value(held_out, before, rows)), _nan(metric.value(held_out, after, rows))]
            for rows in resamples
        ]
    ).reshape(-1, 2)
    worse = False
    if point_before is not None and point_after is not None:
        drop = point_before - point_after if metric.higher_is_better else point_after - point_before
        worse = drop > options.tolerance
    return GateRow(
        metric=name,
        held_out=held_out.name,
        before=point_before,
        after=point_after,
        before_ci=_interval(samples[:, 0]),
        after_ci=_interval(samples[:, 1]),
        change_ci=_interval(samples[:, 1] - samples[:, 0]),
        worse=worse,
    )


def _resamples(groups: np.ndarray, rounds: int, seed: int) -> list[np.ndarray]:
    """``rounds`` bootstrap resamples of clip rows: whole groups drawn with replacement."""
    names = sorted(set(groups.tolist()))
    members = [np.flatnonzero(groups == name) for name in names]
    rng = np.random.default_rng(seed)
    return [
        np.concatenate([members[i] for i in rng.integers(0, len(names), size=len(names))])
        for _ in range(rounds)
    ]


def _interval(values: np.ndarray) -> Interval | None:
    values = values[np.isfinite(values)]
    if values.size == 0:
        return None
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)


def _worse_text(row: GateRow) -> str:
    ci = (
        "" if row.change_ci is None else f", change 95% CI [{row.change_ci[0]:+.3f}, {row.change_ci[1]:+.3f}]"
    )
    return f"{row.metric} on {row.held_out} {row.after:.3f} vs {row.before:.3f}{ci}"


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _nan(value: float | None) -> float:
    return math.nan if value is None else value
