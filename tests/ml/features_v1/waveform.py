"""The peak envelope the player draws as a waveform."""

from __future__ import annotations

import numpy as np

from tests.ml.features_v1.validation import checked_wave

__all__ = ["waveform_peaks"]


def waveform_peaks(wave: np.ndarray, n: int = 800) -> list[float]:
    """Max |sample| in each of `n` equal consecutive buckets, clipped to [0, 1], rounded to 4 decimals.

    One value per bucket (no separate min/max: the player mirrors it around the centre line). Values are
    absolute full-scale levels, not normalised to the loudest bucket, so a quiet track draws small.
    A waveform shorter than `n` samples gives one bucket per sample. Rounding keeps the JSON small; 1e-4
    is far below a pixel.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    y = np.abs(checked_wave(wave))
    buckets = min(n, y.size)
    starts = np.arange(buckets, dtype=np.int64) * y.size // buckets  # strictly increasing
    peaks = np.maximum.reduceat(y, starts)
    return [round(float(p), 4) for p in np.minimum(peaks, 1.0)]
