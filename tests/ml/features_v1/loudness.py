"""Integrated loudness (LUFS) per ITU-R BS.1770-4, and sample peak level (dBFS).

ITU-R BS.1770-4 (10/2015), "Algorithms to measure audio programme loudness and true-peak audio level":
K-weighting (a high-shelf "head" filter then an RLB high-pass), mean square over 400 ms blocks with
75 % overlap, an absolute gate at -70 LKFS, then a relative gate 10 LU below the loudness of the blocks
that passed the absolute gate. The standard tabulates the two biquads only at 48 kHz; here they are
re-derived for any rate from their analogue prototypes (centre frequency, gain and Q as fitted by
libebur128 and pyloudnorm), which reproduces the 48 kHz table to better than 1e-8.

For a mono signal, channel weight G = 1: a 997 Hz sine with a peak of -20 dBFS reads -23.0 LUFS
(the K-weighting gain at 997 Hz is +0.69 dB, cancelled by the -0.691 offset).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.signal import lfilter

from ml.features.validation import checked_wave

__all__ = ["k_weighting", "integrated_loudness", "peak_dbfs"]

# Analogue prototypes of the two K-weighting stages (libebur128's fit of the BS.1770 48 kHz table).
_SHELF_HZ, _SHELF_GAIN_DB, _SHELF_Q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
_SHELF_VB_EXPONENT = 0.4996667741545416
_HIGHPASS_HZ, _HIGHPASS_Q = 38.13547087602444, 0.5003270373238773

BLOCK_SECONDS = 0.400
BLOCK_STEP_SECONDS = 0.100  # 75 % overlap
ABSOLUTE_GATE_LKFS = -70.0
RELATIVE_GATE_LU = -10.0
_OFFSET = -0.691


def k_weighting(sample_rate: int) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """The two K-weighting biquads `((b, a) shelf, (b, a) high-pass)` for `sample_rate`, a[0] == 1.

    Bilinear transform with frequency pre-warping (K = tan(pi f0 / fs)) of the analogue shelf and
    high-pass prototypes.
    """
    if sample_rate <= 2 * _SHELF_HZ:
        raise ValueError(
            f"sample rate {sample_rate} Hz is too low for K-weighting (needs > {2 * _SHELF_HZ:.0f})"
        )
    k = math.tan(math.pi * _SHELF_HZ / sample_rate)
    vh = 10.0 ** (_SHELF_GAIN_DB / 20.0)
    vb = vh**_SHELF_VB_EXPONENT
    a0 = 1.0 + k / _SHELF_Q + k * k
    shelf_b = (
        np.array([vh + vb * k / _SHELF_Q + k * k, 2.0 * (k * k - vh), vh - vb * k / _SHELF_Q + k * k]) / a0
    )
    shelf_a = np.array([a0, 2.0 * (k * k - 1.0), 1.0 - k / _SHELF_Q + k * k]) / a0

    k = math.tan(math.pi * _HIGHPASS_HZ / sample_rate)
    a0 = 1.0 + k / _HIGHPASS_Q + k * k
    highpass_b = np.array([1.0, -2.0, 1.0])
    highpass_a = np.array([a0, 2.0 * (k * k - 1.0), 1.0 - k / _HIGHPASS_Q + k * k]) / a0
    return (shelf_b, shelf_a), (highpass_b, highpass_a)


def integrated_loudness(wave: np.ndarray, sample_rate: int) -> float:
    """Gated integrated loudness of a mono waveform in LUFS (float samples, full scale = 1.0).

    Returns -inf when no 400 ms block passes the gates: digital silence, or a signal shorter than one
    block (BS.1770 defines no loudness for it).
    """
    x = checked_wave(wave, sample_rate).astype(np.float64)
    (b1, a1), (b2, a2) = k_weighting(sample_rate)
    weighted = lfilter(b2, a2, lfilter(b1, a1, x))

    block = round(BLOCK_SECONDS * sample_rate)
    step = round(BLOCK_STEP_SECONDS * sample_rate)
    if weighted.size < block:
        return float("-inf")
    starts = np.arange(0, weighted.size - block + 1, step)
    energy = np.concatenate(([0.0], np.cumsum(weighted * weighted)))
    mean_square = (energy[starts + block] - energy[starts]) / block

    with np.errstate(divide="ignore"):
        block_loudness = _OFFSET + 10.0 * np.log10(mean_square)
    above_absolute = mean_square[block_loudness > ABSOLUTE_GATE_LKFS]
    if above_absolute.size == 0:
        return float("-inf")
    relative_gate = _OFFSET + 10.0 * math.log10(above_absolute.mean()) + RELATIVE_GATE_LU
    gated = mean_square[(block_loudness > ABSOLUTE_GATE_LKFS) & (block_loudness > relative_gate)]
    return _OFFSET + 10.0 * math.log10(gated.mean())


def peak_dbfs(wave: np.ndarray) -> float:
    """Sample peak level in dBFS (20 log10 max |x|); -inf for digital silence.

    This is the sample peak, not BS.1770 true peak (which oversamples 4x to catch inter-sample overs):
    it can read up to about 3 dB low on content near Nyquist.
    """
    peak = float(np.max(np.abs(checked_wave(wave))))
    return 20.0 * math.log10(peak) if peak > 0.0 else float("-inf")
