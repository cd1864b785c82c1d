"""Valence/arousal regression metrics: mean absolute error and Pearson correlation per dimension."""

from __future__ import annotations

import numpy as np

__all__ = ["va_metrics", "pearson_r"]


def pearson_r(x: np.ndarray, y: np.ndarray) -> float | None:
    """Pearson correlation; None when fewer than two points or either side is constant."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if x.size < 2 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return None
    return float(np.corrcoef(x, y)[0, 1])


def va_metrics(predictions: np.ndarray, targets: np.ndarray, known: np.ndarray | None = None) -> dict:
    """MAE and Pearson r of valence (column 0) and arousal (column 1) over the known clips.

    Both are on the taxonomy's [-1, 1] scale. Returns {"valence_mae", "valence_r", "arousal_mae",
    "arousal_r", "n_clips"}; values are None without known clips (r also when a side is constant).
    """
    predictions, targets = np.asarray(predictions, dtype=np.float64), np.asarray(targets, dtype=np.float64)
    rows = np.ones(len(targets), dtype=bool) if known is None else np.asarray(known, dtype=bool)
    out: dict = {"n_clips": int(rows.sum())}
    for column, name in enumerate(("valence", "arousal")):
        pred, true = predictions[rows, column], targets[rows, column]
        out[f"{name}_mae"] = float(np.mean(np.abs(pred - true))) if true.size else None
        out[f"{name}_r"] = pearson_r(pred, true)
    return out
