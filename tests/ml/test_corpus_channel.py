"""Channels that music and speech share so bandwidth/level/silence are no speech shortcut."""

from __future__ import annotations

import numpy as np

from ml.corpus.channel import CHANNELS, apply_degradation, band_limit, draw_degradation, insert_gaps
from ml.corpus.clipio import rms_dbfs

SR = 22050


def tone_energy(wave: np.ndarray, hz: float) -> float:
    spectrum = np.abs(np.fft.rfft(wave))
    freqs = np.fft.rfftfreq(len(wave), 1 / SR)
    return float(spectrum[np.argmin(np.abs(freqs - hz))])


def test_telephone_channel_keeps_300_to_3400_hz_only():
    t = np.arange(SR) / SR
    wave = sum(np.sin(2 * np.pi * f * t) for f in (100, 1000, 6000)).astype(np.float32)
    out = band_limit(wave, SR, *CHANNELS["telephone"])
    assert tone_energy(out, 1000) > 0.8 * tone_energy(wave, 1000)
    assert tone_energy(out, 100) < 0.05 * tone_energy(wave, 100)
    assert tone_energy(out, 6000) < 0.01 * tone_energy(wave, 6000)


def test_gaps_are_real_silence():
    wave = np.ones(5 * SR, np.float32)
    out = insert_gaps(wave, SR, np.random.default_rng(0), 1, gap_s=(0.5, 0.5))
    assert int(0.5 * SR) <= np.sum(out == 0.0) <= int(0.5 * SR) + 2  # + the fades' end points
    assert np.sum(out == 1.0) > len(wave) - int(0.6 * SR)  # the rest is untouched


def test_degradation_is_reproducible_from_the_seed_and_sets_the_level():
    settings = draw_degradation(np.random.default_rng(7))
    assert settings == draw_degradation(np.random.default_rng(7))
    noise = np.random.default_rng(0).normal(0, 0.1, 3 * SR).astype(np.float32)
    out = apply_degradation(noise, SR, {**settings, "gaps": 0}, np.random.default_rng(1))
    assert abs(rms_dbfs(out) - settings["level_dbfs"]) < 0.5
