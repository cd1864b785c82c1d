"""Tempo, danceability and energy on generated click tracks, drum patterns, noise and tones."""

from __future__ import annotations

import numpy as np
import pytest

from ml.features import danceability, energy, estimate_tempo
from ml.features.danceability import tempo_preference
from ml.features.onsets import onset_envelope

SR = 22050


def add_click(y: np.ndarray, at: float, amp: float = 0.8) -> None:
    i = int(round(at * SR))
    n = min(200, y.size - i)
    y[i : i + n] += amp * np.exp(-np.arange(n) / 30) * np.sin(2 * np.pi * 2000 * np.arange(n) / SR)


def clicks_at(times, seconds: float, amp: float = 0.8) -> np.ndarray:
    y = np.zeros(int(seconds * SR), np.float32)
    for t in times:
        add_click(y, t, amp)
    return y


def click_track(bpm: float, seconds: float = 15.0, amp: float = 0.8) -> np.ndarray:
    return clicks_at(np.arange(0.1, seconds - 0.05, 60.0 / bpm), seconds, amp)


def drum_pattern(bpm: float, seconds: float = 15.0) -> np.ndarray:
    """Kick on every beat, noise hi-hat on every eighth note."""
    rng = np.random.default_rng(1)
    y = np.zeros(int(seconds * SR), np.float32)
    n = int(0.15 * SR)
    decay = np.arange(n) / SR
    for k, t in enumerate(np.arange(0.1, seconds - 0.2, 30.0 / bpm)):
        i = int(t * SR)
        if k % 2 == 0:
            y[i : i + n] += 0.9 * np.exp(-decay / 0.04) * np.sin(2 * np.pi * 60 * decay)
        y[i : i + n] += 0.3 * np.exp(-decay / 0.01) * rng.standard_normal(n)
    return y


def white_noise(seconds: float = 15.0) -> np.ndarray:
    return (0.1 * np.random.default_rng(2).standard_normal(int(seconds * SR))).astype(np.float32)


def random_clicks(per_second: float, seconds: float = 15.0) -> np.ndarray:
    times = np.sort(np.random.default_rng(3).uniform(0, seconds - 0.1, int(per_second * seconds)))
    return clicks_at(times, seconds)


def held_tone(seconds: float = 10.0) -> np.ndarray:
    return (0.3 * np.sin(2 * np.pi * 440 * np.arange(int(seconds * SR)) / SR)).astype(np.float32)


@pytest.mark.parametrize("bpm", [120, 90, 140, 174])
def test_tempo_of_a_click_track_is_within_half_a_percent(bpm):
    # The beat tracker alone is limited to whole-frame lags (90 BPM reads 90.7, 174 reads 172.3);
    # averaging the tracked inter-beat intervals recovers the true tempo.
    estimate = estimate_tempo(click_track(bpm), SR)
    assert estimate.bpm == pytest.approx(bpm, rel=0.005)
    assert estimate.confidence > 0.7


def test_tempo_of_a_kick_and_hihat_pattern_follows_the_kick():
    estimate = estimate_tempo(drum_pattern(100), SR)
    assert estimate.bpm == pytest.approx(100, rel=0.02)
    assert estimate.confidence > 0.7


def test_tempo_confidence_is_low_without_a_steady_pulse():
    steady = estimate_tempo(click_track(120), SR).confidence
    assert estimate_tempo(white_noise(), SR).confidence < 0.2
    assert estimate_tempo(random_clicks(3), SR).confidence < 0.3
    accelerating = np.cumsum(60.0 / np.linspace(80, 160, 40))  # beat times, 80 -> 160 BPM
    drifting = estimate_tempo(clicks_at(accelerating, accelerating[-1] + 0.5), SR)
    assert drifting.confidence < steady / 2


def test_no_pulse_gives_no_tempo():
    for wave in (held_tone(), np.zeros(5 * SR, np.float32), clicks_at([1.0, 2.5], 4.0)):
        estimate = estimate_tempo(wave, SR)
        assert estimate.bpm is None and estimate.confidence == 0.0


def test_a_precomputed_onset_envelope_gives_the_same_tempo():
    wave = drum_pattern(100)
    assert estimate_tempo(wave, SR, envelope=onset_envelope(wave, SR)) == estimate_tempo(wave, SR)


def test_tempo_preference_peaks_at_120_bpm_and_is_symmetric_in_octaves():
    assert tempo_preference(120) == pytest.approx(1.0)
    assert tempo_preference(60) == pytest.approx(tempo_preference(240))
    assert tempo_preference(60) == pytest.approx(0.41, abs=0.01)
    assert tempo_preference(90) == pytest.approx(0.86, abs=0.01)


def test_danceability_is_high_for_a_steady_beat_and_low_without_one():
    assert danceability(drum_pattern(120), SR) > 0.8
    assert danceability(click_track(120), SR) > 0.8
    assert danceability(random_clicks(3), SR) < 0.2
    assert danceability(white_noise(), SR) < 0.1
    assert danceability(held_tone(), SR) == 0.0


def test_danceability_discounts_tempos_far_from_120_bpm():
    at_120 = danceability(click_track(120), SR, bpm=120)
    at_60 = danceability(click_track(60), SR, bpm=60)  # just as regular, half as fast
    assert at_60 == pytest.approx(at_120 * tempo_preference(60), rel=0.1)


def test_energy_grows_with_level_and_with_onset_density():
    sparse_quiet = energy(click_track(60, amp=0.05), SR)
    sparse_loud = energy(click_track(60, amp=0.8), SR)
    dense_loud = energy(click_track(240, amp=0.8), SR)
    assert 0.0 < sparse_quiet < sparse_loud < dense_loud <= 1.0
    assert energy(white_noise() * 5, SR) > energy(white_noise() * 0.05, SR)


def test_energy_of_silence_is_zero_and_trailing_silence_does_not_dilute_it():
    assert energy(np.zeros(3 * SR, np.float32), SR) == 0.0
    drums = drum_pattern(120, seconds=10.0)
    padded = np.concatenate([drums, np.zeros(10 * SR, np.float32)])
    # Level ignores silent frames; onset density (per second of audio) halves, so energy drops a little.
    assert energy(drums, SR) - 0.2 < energy(padded, SR) < energy(drums, SR)
