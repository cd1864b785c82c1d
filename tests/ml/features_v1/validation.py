"""The input every feature function accepts: a finite, mono, float waveform at a positive sample rate."""

from __future__ import annotations

import numpy as np


def checked_wave(wave: np.ndarray, sample_rate: int | None = None) -> np.ndarray:
    """Return `wave` as a contiguous 1-D float32 array, or raise ValueError saying what is wrong.

    Rejects multi-channel or empty input and non-finite samples (NaN/inf would silently poison every
    mean below), and a non-positive sample rate when one is given.
    """
    array = np.asarray(wave)
    if array.ndim != 1:
        raise ValueError(f"expected a mono 1-D waveform, got shape {array.shape}")
    if array.size == 0:
        raise ValueError("the waveform is empty")
    if sample_rate is not None and sample_rate <= 0:
        raise ValueError(f"sample rate must be positive, got {sample_rate}")
    array = np.ascontiguousarray(array, dtype=np.float32)
    if not np.all(np.isfinite(array)):
        raise ValueError("the waveform contains NaN or infinite samples")
    return array
