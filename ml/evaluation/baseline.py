"""A no-learning retrieval baseline: clips compared by their mean MFCC vector.

Mean MFCCs summarise timbre (Logan and Salomon, "A music similarity function based on signal
analysis", ICME 2001, used MFCC statistics); precision@k of the learned embedding should beat it,
or the embedding has learned nothing timbre statistics did not already give.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import librosa
import numpy as np

from ml.audio import load_audio
from ml.evaluation.retrieval import precision_at_k

__all__ = ["mean_mfcc", "mfcc_baseline", "mfcc_matrix", "mfcc_precision"]


def mean_mfcc(wave: np.ndarray, sample_rate: int, *, n_mfcc: int = 20) -> np.ndarray:
    """(n_mfcc,) mean over time of librosa's MFCCs (default mel settings)."""
    return librosa.feature.mfcc(y=np.asarray(wave, dtype=np.float32), sr=sample_rate, n_mfcc=n_mfcc).mean(
        axis=1
    )


def mfcc_matrix(audio: Iterable[str | Path | np.ndarray], *, sample_rate: int) -> np.ndarray:
    """(N, n_mfcc) mean-MFCC vectors of `audio` (paths decoded at `sample_rate`, or waveforms at it)."""
    features = []
    for item in audio:
        wave = item if isinstance(item, np.ndarray) else load_audio(item, sample_rate=sample_rate)
        features.append(mean_mfcc(wave, sample_rate))
    return np.stack(features)


def mfcc_precision(matrix: np.ndarray, groups: Sequence, *, k: int = 5) -> dict:
    """precision@k by group of mean-MFCC rows, standardised per coefficient over these rows only.

    Without standardising, MFCC 0 (log energy, the largest scale) would decide every distance."""
    matrix = (matrix - matrix.mean(0)) / np.maximum(matrix.std(0), 1e-9)
    return precision_at_k(matrix, groups, k, metric="euclidean")


def mfcc_baseline(
    audio: Iterable[str | Path | np.ndarray], groups: Sequence, *, sample_rate: int, k: int = 5
) -> dict:
    """precision@k by group of mean-MFCC vectors (standardised per coefficient, Euclidean distance).

    `audio` are paths (decoded at `sample_rate`) or waveforms already at that rate. Returns the
    `precision_at_k` dict."""
    return mfcc_precision(mfcc_matrix(audio, sample_rate=sample_rate), groups, k=k)
