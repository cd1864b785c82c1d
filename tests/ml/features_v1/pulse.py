"""Periodicity of an onset envelope: the normalised autocorrelation that tempo confidence and
danceability read at the beat period."""

from __future__ import annotations

import math

import numpy as np

__all__ = ["normalised_autocorrelation", "correlation_at_period"]


def normalised_autocorrelation(strength: np.ndarray) -> np.ndarray:
    """Unbiased autocorrelation of the mean-removed envelope divided by its lag-0 value (rho[0] = 1).

    Mean removal makes a steady envelope score 0 rather than 1; the unbiased estimate (dividing lag k by
    N - k) keeps long lags from shrinking just because fewer frames overlap. A flat envelope (no onsets
    at all) returns zeros: it has no periodicity to measure.
    """
    x = np.asarray(strength, dtype=np.float64) - float(np.mean(strength))
    n = x.size
    spectrum = np.fft.rfft(x, 2 * n)  # zero-padded to 2n: linear, not circular, correlation
    r = np.fft.irfft(spectrum * np.conj(spectrum))[:n] / (n - np.arange(n))
    if r[0] <= 1e-12:
        return np.zeros(n)
    return r / r[0]


def correlation_at_period(rho: np.ndarray, period_frames: float) -> float:
    """rho at a fractional lag: the larger of the two neighbouring integer lags.

    Onsets land on whole frames, so a true period of 43.07 frames shows up at lag 43 or 44 depending on
    rounding; taking the better neighbour avoids penalising a perfectly regular pulse for that.
    """
    lo, hi = math.floor(period_frames), math.ceil(period_frames)
    if lo < 1 or hi >= rho.size:
        return 0.0
    return float(max(rho[lo], rho[hi]))
