"""The promotion gate's decision: size checks before training, then metric by metric on each held-out set,
with paired bootstrap intervals (see the package docstring)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from catalog.services.promotion_gate.metrics import GATE_METRICS, GateMetric, HeldOutSet, Outputs

__all__ = ["Decision", "GateCannotJudge", "GateOptions", "GateRow", "check_ready", "judge"]

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
