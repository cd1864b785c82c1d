"""compute_features end to end, the waveform peaks for the player, and the no-Django rule."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ml.features import AudioFeatures, compute_features, waveform_peaks

SR = 22050
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def song() -> np.ndarray:
    """12 s in C major at 120 BPM: I-IV-V-I chords, a kick on each beat, a hi-hat on each eighth."""
    rng = np.random.default_rng(0)
    seconds = 12.0
    t = np.arange(int(seconds * SR)) / SR
    wave = np.zeros(t.size)
    chord = int(1.5 * SR)
    for bar, root in enumerate([60, 65, 67, 60] * 2):
        start = bar * chord
        seg = t[:chord]
        for midi in (root - 12, root, root + 4, root + 7):
            f0 = 440.0 * 2 ** ((midi - 69) / 12)
            wave[start : start + seg.size] += sum(
                0.6**k * np.sin(2 * np.pi * (k + 1) * f0 * seg) for k in range(3)
            )
    wave *= 0.03
    n = int(0.12 * SR)
    decay = np.arange(n) / SR
    kick_phase = 2 * np.pi * np.cumsum(50 + 100 * np.exp(-decay / 0.02)) / SR  # 150 -> 50 Hz sweep: no pitch
    for k, beat in enumerate(np.arange(0.0, seconds - 0.2, 0.25)):
        i = int(beat * SR)
        if k % 2 == 0:
            wave[i : i + n] += 0.6 * np.exp(-decay / 0.04) * np.sin(kick_phase)
        wave[i : i + n] += 0.1 * np.exp(-decay / 0.01) * rng.standard_normal(n)
    return (0.8 * wave / np.abs(wave).max()).astype(np.float32)


def test_compute_features_describes_a_generated_song(song):
    features = compute_features(song, SR)
    assert features.duration == pytest.approx(12.0)
    assert features.tempo_bpm == pytest.approx(120, rel=0.02)
    assert (features.key, features.mode) == ("C", "major")
    assert features.peak_dbfs == pytest.approx(20 * np.log10(0.8), abs=0.01)
    assert -30.0 < features.loudness_lufs < features.peak_dbfs
    assert 0.5 < features.danceability <= 1.0
    assert 0.3 < features.energy <= 1.0
    assert features.speechiness is None


def test_speechiness_is_the_given_probability_never_invented(song):
    assert compute_features(song, SR, speech_probability=0.25).speechiness == 0.25
    with pytest.raises(ValueError, match="speech_probability"):
        compute_features(song, SR, speech_probability=1.5)


def test_to_dict_is_json_safe_even_for_silence():
    features = compute_features(np.zeros(3 * SR, np.float32), SR)
    as_dict = features.to_dict()
    json.dumps(as_dict, allow_nan=False)
    assert as_dict["loudness_lufs"] is None and as_dict["peak_dbfs"] is None
    assert as_dict["tempo_bpm"] is None and as_dict["key"] is None
    assert as_dict["energy"] == 0.0 and as_dict["danceability"] == 0.0
    assert set(as_dict) == set(AudioFeatures.__dataclass_fields__)
    assert "valence" not in as_dict  # the model predicts valence


def test_waveform_peaks_are_the_max_absolute_sample_per_bucket():
    wave = np.array([0.1, -0.5, 0.2, 0.0, -0.05, 0.3, 0.9, -0.2], np.float32)
    assert waveform_peaks(wave, n=4) == [0.5, 0.2, 0.3, 0.9]
    assert waveform_peaks(wave, n=800) == [abs(round(float(x), 4)) for x in wave]  # one bucket per sample


def test_waveform_peaks_have_n_points_in_absolute_full_scale(song):
    peaks = waveform_peaks(song)
    assert len(peaks) == 800
    assert max(peaks) == pytest.approx(0.8, abs=1e-4)
    assert max(waveform_peaks(song * 0.1)) == pytest.approx(0.08, abs=1e-4)  # quiet draws small
    assert waveform_peaks(np.array([1.7, -2.0], np.float32), n=2) == [1.0, 1.0]  # overs clip to 1
    with pytest.raises(ValueError):
        waveform_peaks(song, n=0)


def test_ml_features_and_taxonomy_never_import_django():
    code = "import sys, ml.features, ml.taxonomy; print(sorted(m for m in sys.modules if 'django' in m))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
