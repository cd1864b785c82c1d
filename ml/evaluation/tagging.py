"""Tagging metrics: macro ROC-AUC and PR-AUC for multi-label heads, mood-family AUC, music/speech.

ROC-AUC and PR-AUC are computed per label with scikit-learn (`roc_auc_score`; PR-AUC is
`average_precision_score`, the step-wise area under the precision-recall curve that MIR tagging
papers report) and macro-averaged. A label whose known clips are all positive or all negative has
no defined AUC: it is left out of the average and listed under "skipped", never scored as 0.5.
Results are plain dicts of floats (None where undefined) so they serialise to JSON unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

from ml import taxonomy

__all__ = ["multilabel_auc", "family_auc", "family_scores", "binary_metrics"]


def _known_rows(n: int, known: np.ndarray | None) -> np.ndarray:
    return np.ones(n, dtype=bool) if known is None else np.asarray(known, dtype=bool)


def _mean_or_none(values: list[float]) -> float | None:
    return float(np.mean(values)) if values else None


def multilabel_auc(
    y_true: np.ndarray, scores: np.ndarray, labels: Sequence[str], known: np.ndarray | None = None
) -> dict:
    """Per-label and macro ROC-AUC / PR-AUC.

    `y_true` (N, L) in {0, 1}, `scores` (N, L) any monotone score, `known` (N,) bool rows whose labels
    are known (None: all). Returns {"roc_auc_macro", "pr_auc_macro", "per_label": {label: {"roc_auc",
    "pr_auc", "positives"}}, "skipped": [labels with one class], "n_clips"}; macros are None when no
    label can be scored.
    """
    y_true = np.asarray(y_true)
    scores = np.asarray(scores, dtype=np.float64)
    if y_true.shape != scores.shape or y_true.ndim != 2 or y_true.shape[1] != len(labels):
        raise ValueError(
            f"shape mismatch: y_true {y_true.shape}, scores {scores.shape}, {len(labels)} labels"
        )
    rows = _known_rows(len(y_true), known)
    truth, score = y_true[rows], scores[rows]
    per_label: dict[str, dict] = {}
    skipped: list[str] = []
    for j, label in enumerate(labels):
        column = truth[:, j]
        if column.size == 0 or column.min() == column.max():  # nothing to rank: no rows, or one class
            skipped.append(label)
            continue
        per_label[label] = {
            "roc_auc": float(roc_auc_score(column, score[:, j])),
            "pr_auc": float(average_precision_score(column, score[:, j])),
            "positives": int(column.sum()),
        }
    return {
        "roc_auc_macro": _mean_or_none([m["roc_auc"] for m in per_label.values()]),
        "pr_auc_macro": _mean_or_none([m["pr_auc"] for m in per_label.values()]),
        "per_label": per_label,
        "skipped": skipped,
        "n_clips": int(rows.sum()),
    }


def family_scores(
    y_true: np.ndarray, scores: np.ndarray, mood_labels: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Lift level-2 moods to their families (ml.taxonomy): a family is present when any child is, and
    its score is the max of its children's scores. Families with no child in `mood_labels` are absent.
    Returns (family_truth, family_scores, family_names) in taxonomy order."""
    y_true, scores = np.asarray(y_true), np.asarray(scores, dtype=np.float64)
    names, truth_cols, score_cols = [], [], []
    for family in taxonomy.families():
        children = [i for i, mood in enumerate(mood_labels) if taxonomy.family_of(mood) == family.name]
        if not children:
            continue
        names.append(family.name)
        truth_cols.append(y_true[:, children].max(axis=1))
        score_cols.append(scores[:, children].max(axis=1))
    shape = (len(y_true), 0)
    truth = np.stack(truth_cols, axis=1) if names else np.zeros(shape)
    lifted = np.stack(score_cols, axis=1) if names else np.zeros(shape)
    return truth, lifted, names


def family_auc(
    y_true: np.ndarray, scores: np.ndarray, mood_labels: Sequence[str], known: np.ndarray | None = None
) -> dict:
    """`multilabel_auc` at the mood-family level (family score = max of child scores)."""
    truth, lifted, names = family_scores(y_true, scores, mood_labels)
    return multilabel_auc(truth, lifted, names, known)


def binary_metrics(
    y_true: np.ndarray, probabilities: np.ndarray, known: np.ndarray | None = None, *, threshold: float = 0.5
) -> dict:
    """Accuracy at `threshold` and ROC-AUC of a binary head (music 0 vs speech 1) over known clips.

    Returns {"accuracy", "roc_auc", "n_clips"}; accuracy is None without known clips, ROC-AUC None
    when the known clips are all one class."""
    rows = _known_rows(len(y_true), known)
    truth = np.asarray(y_true)[rows].astype(int)
    probs = np.asarray(probabilities, dtype=np.float64)[rows]
    if truth.size == 0:
        return {"accuracy": None, "roc_auc": None, "n_clips": 0}
    both = truth.min() != truth.max()
    return {
        "accuracy": float(np.mean((probs >= threshold).astype(int) == truth)),
        "roc_auc": float(roc_auc_score(truth, probs)) if both else None,
        "n_clips": int(truth.size),
    }
