"""Krumhansl-Schmuckler key estimation on generated chord progressions."""

from __future__ import annotations

import numpy as np
import pytest

from ml.features import estimate_key
from ml.features.key import MAJOR_PROFILE, MINOR_PROFILE, PITCH_CLASSES, key_from_chroma

SR = 22050


def tone(midi: int, seconds: float) -> np.ndarray:
    """A plucked tone with four harmonics."""
    t = np.arange(int(seconds * SR)) / SR
    f0 = 440.0 * 2 ** ((midi - 69) / 12)
    wave = sum(0.6 ** (k - 1) * np.sin(2 * np.pi * k * f0 * t) for k in range(1, 5))
    return wave * np.minimum(1.0, t / 0.02) * np.exp(-1.5 * t)


def triad(root: int, minor: bool, seconds: float = 1.0) -> np.ndarray:
    third = 3 if minor else 4
    return sum(tone(m, seconds) for m in (root - 12, root, root + third, root + 7))


def cadence(tonic: str, mode: str) -> np.ndarray:
    """I-IV-V-I in major, i-iv-V-i in minor (major dominant, as in harmonic minor), played twice."""
    root = 60 + PITCH_CLASSES.index(tonic)
    minor = mode == "minor"
    chords = [triad(root, minor), triad(root + 5, minor), triad(root + 7, False), triad(root, minor)]
    wave = np.concatenate(chords * 2)
    return (0.25 * wave / np.abs(wave).max()).astype(np.float32)


@pytest.mark.parametrize(
    ("tonic", "mode"),
    [("C", "major"), ("A", "minor"), ("D#", "major"), ("F#", "minor"), ("G", "major"), ("D", "minor")],
)
def test_key_and_mode_of_a_cadence(tonic, mode):
    estimate = estimate_key(cadence(tonic, mode), SR)
    assert (estimate.key, estimate.mode) == (tonic, mode)
    assert estimate.confidence > 0.8


def test_relative_major_and_minor_are_told_apart():
    assert estimate_key(cadence("C", "major"), SR).mode == "major"
    assert estimate_key(cadence("A", "minor"), SR).mode == "minor"


def test_a_chromatic_cluster_has_low_confidence():
    cluster = sum(tone(m, 4.0) for m in range(60, 72)).astype(np.float32) * 0.05
    assert estimate_key(cluster, SR).confidence < 0.5


def test_chroma_equal_to_a_rotated_profile_gives_that_key_with_correlation_one():
    e_major = key_from_chroma(np.roll(MAJOR_PROFILE, 4))
    assert (e_major.key, e_major.mode) == ("E", "major")
    assert e_major.confidence == pytest.approx(1.0)
    b_minor = key_from_chroma(np.roll(MINOR_PROFILE, 11))
    assert (b_minor.key, b_minor.mode) == ("B", "minor")


def test_silence_and_flat_chroma_have_no_key():
    for estimate in (estimate_key(np.zeros(2 * SR, np.float32), SR), key_from_chroma(np.ones(12))):
        assert (estimate.key, estimate.mode, estimate.confidence) == (None, None, 0.0)
