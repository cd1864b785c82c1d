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

from catalog.services.promotion_gate.decision import (
    Decision,
    GateCannotJudge,
    GateOptions,
    GateRow,
    check_ready,
    judge,
)
from catalog.services.promotion_gate.metrics import GATE_METRICS, GateMetric, HeldOutSet, Outputs

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
