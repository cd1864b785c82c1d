"""Integrated loudness per ITU-R BS.1770-4 (libebur128) and sample peak, on generated sines."""

from __future__ import annotations

import numpy as np
import pyloudnorm
import pytest

from ml.features import integrated_loudness, peak_dbfs
from tests.ml.features_v1.loudness import integrated_loudness as former_loudness


def sine(freq: float, peak: float, seconds: float, sr: int) -> np.ndarray:
    t = np.arange(int(seconds * sr)) / sr
    return (peak * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def test_pyloudnorms_deman_k_weighting_at_48k_reproduces_the_table_in_bs1770():
    """The filters the cross-check below trusts (libebur128 derives the same De Man fit in C)."""
    filters = pyloudnorm.Meter(48000, filter_class="DeMan")._filters
    shelf, highpass = filters["high_shelf_DeMan"], filters["high_pass_DeMan"]
    np.testing.assert_allclose(shelf.b, [1.53512485958697, -2.69169618940638, 1.19839281085285], atol=1e-8)
    np.testing.assert_allclose(shelf.a, [1.0, -1.69065929318241, 0.73248077421585], atol=1e-8)
    np.testing.assert_allclose(highpass.b, [1.0, -2.0, 1.0])
    np.testing.assert_allclose(highpass.a, [1.0, -1.99004745483398, 0.99007225036621], atol=1e-8)


@pytest.mark.parametrize("sr", [22050, 44100, 48000])
def test_libebur128_reads_what_pyloudnorms_deman_meter_reads(sr):
    """Two independent implementations of BS.1770-4 (C and Python) agree to 1e-4 LU, gates included."""
    rng = np.random.default_rng(5)
    meter = pyloudnorm.Meter(sr, filter_class="DeMan", block_size=0.400)
    signals = [
        sine(997, 0.1, 5.0, sr),
        sine(40, 0.8, 3.0, sr),
        np.concatenate([sine(997, 0.3, 6.0, sr), sine(3000, 0.003, 6.0, sr)]),  # the relative gate drops half
        (0.2 * rng.standard_normal(9 * sr)).astype(np.float32),
    ]
    for wave in signals:
        assert integrated_loudness(wave, sr) == pytest.approx(meter.integrated_loudness(wave), abs=1e-4)


def test_a_rate_too_low_for_k_weighting_is_refused():
    with pytest.raises(ValueError, match="too low"):
        integrated_loudness(sine(997, 0.1, 3.0, 3000), 3000)


def test_the_meter_reads_what_our_former_meter_read():
    """The former in-house BS.1770 meter (tests/ml/features_v1) and libebur128 agree within 0.01 LU."""
    rng = np.random.default_rng(3)
    for sr in (22050, 44100):
        signals = [
            sine(997, 0.1, 5.0, sr),
            np.concatenate([sine(60, 0.5, 4.0, sr), sine(4000, 0.02, 6.0, sr)]),
            (0.1 * rng.standard_normal(7 * sr)).astype(np.float32),
        ]
        for wave in signals:
            assert integrated_loudness(wave, sr) == pytest.approx(former_loudness(wave, sr), abs=0.01)


@pytest.mark.parametrize("sr", [22050, 44100, 48000])
def test_997_hz_sine_at_minus_20_dbfs_reads_minus_23_lufs(sr):
    assert integrated_loudness(sine(997, 0.1, 5.0, sr), sr) == pytest.approx(-23.0, abs=0.2)


def test_loudness_follows_level_in_decibels():
    sr = 22050
    quiet = integrated_loudness(sine(997, 0.05, 3.0, sr), sr)
    loud = integrated_loudness(sine(997, 0.2, 3.0, sr), sr)
    assert loud - quiet == pytest.approx(12.04, abs=0.05)


def test_k_weighting_discounts_bass_and_lifts_treble():
    sr = 22050
    mid = integrated_loudness(sine(997, 0.1, 3.0, sr), sr)
    assert integrated_loudness(sine(30, 0.1, 3.0, sr), sr) < mid - 3.0
    assert 2.5 < integrated_loudness(sine(5000, 0.1, 3.0, sr), sr) - mid < 4.0


def test_relative_gate_ignores_passages_more_than_10_lu_below_the_programme():
    sr = 22050
    loud, soft = sine(997, 0.1, 10.0, sr), sine(997, 0.01, 10.0, sr)  # -23 and -43 LUFS
    gated = integrated_loudness(np.concatenate([loud, soft]), sr)
    ungated_power_mean = -23.0 + 10 * np.log10((1 + 0.01) / 2)  # about -26 LUFS
    assert gated == pytest.approx(-23.0, abs=0.3)
    assert gated > ungated_power_mean + 2.0


def test_absolute_gate_and_undefined_cases_read_minus_infinity():
    sr = 22050
    assert integrated_loudness(sine(997, 1e-4, 3.0, sr), sr) == float("-inf")  # about -83 LUFS < -70
    assert integrated_loudness(np.zeros(sr, np.float32), sr) == float("-inf")
    assert integrated_loudness(sine(997, 0.5, 0.3, sr), sr) == float("-inf")  # shorter than one 400 ms block


def test_peak_dbfs_is_the_sample_peak():
    assert peak_dbfs(sine(997, 0.5, 1.0, 22050)) == pytest.approx(-6.02, abs=0.01)
    assert peak_dbfs(np.array([0.0, -1.0, 0.25], np.float32)) == pytest.approx(0.0)
    assert peak_dbfs(np.zeros(100, np.float32)) == float("-inf")


@pytest.mark.parametrize(
    ("wave", "message"),
    [(np.zeros((2, 22050), np.float32), "mono"), (np.array([], np.float32), "empty"),
     (np.array([0.1, np.nan] * 11025, np.float32), "NaN")],
)  # fmt: skip
def test_rejects_what_is_not_a_mono_finite_waveform(wave, message):
    with pytest.raises(ValueError, match=message):
        integrated_loudness(wave, 22050)
