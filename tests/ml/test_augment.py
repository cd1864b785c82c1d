"""Augmentations keep the length/rate contract, are reproducible from the seed, and do what they say."""

import numpy as np
import pytest

from ml.training.augment import (
    AddNoise,
    BandLimit,
    Compose,
    Equalize,
    Gain,
    PitchShift,
    RandomApply,
    Speed,
    TimeStretch,
    available_pipelines,
    build_pipeline,
)

SR = 22050


def tone(freq: float, seconds: float = 3.0, sr: int = SR) -> np.ndarray:
    t = np.arange(int(seconds * sr)) / sr
    return (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def band_power(wave: np.ndarray, low: float, high: float, sr: int = SR) -> float:
    spectrum = np.abs(np.fft.rfft(wave)) ** 2
    freqs = np.fft.rfftfreq(wave.size, 1 / sr)
    return float(spectrum[(freqs >= low) & (freqs < high)].sum())


def dominant_frequency(wave: np.ndarray, sr: int = SR) -> float:
    spectrum = np.abs(np.fft.rfft(wave * np.hanning(wave.size)))
    return float(np.fft.rfftfreq(wave.size, 1 / sr)[spectrum.argmax()])


ALL = [
    Gain(),
    AddNoise(),
    Equalize(SR),
    BandLimit(SR),
    Speed(),
    TimeStretch(),
    PitchShift(SR),
    RandomApply(Gain(), 0.5),
    *[build_pipeline(name, SR) for name in available_pipelines()],
]


@pytest.mark.parametrize("transform", ALL, ids=lambda t: type(t).__name__)
@pytest.mark.parametrize("seconds", [3.0, 1.3])
def test_every_transform_keeps_length_and_dtype_and_is_finite(transform, seconds):
    wave = tone(440.0, seconds) + 0.05 * np.random.default_rng(1).standard_normal(int(seconds * SR)).astype(
        np.float32
    )
    out = transform(wave, np.random.default_rng(0))
    assert out.shape == wave.shape
    assert out.dtype == np.float32
    assert np.isfinite(out).all()


@pytest.mark.parametrize("transform", ALL, ids=lambda t: type(t).__name__)
def test_same_seed_same_audio(transform):
    wave = tone(330.0)
    first = transform(wave, np.random.default_rng(42))
    again = transform(wave, np.random.default_rng(42))
    np.testing.assert_array_equal(first, again)


def test_gain_stays_in_its_decibel_range():
    wave = tone(440.0)
    for seed in range(20):
        out = Gain(-6.0, 3.0)(wave, np.random.default_rng(seed))
        db = 20 * np.log10(np.abs(out).max() / np.abs(wave).max())
        assert -6.0 - 1e-4 <= db <= 3.0 + 1e-4


@pytest.mark.parametrize("snr_db", [0.0, 10.0, 30.0])
def test_noise_is_added_at_the_requested_snr(snr_db):
    wave = tone(440.0)
    out = AddNoise(snr_db, snr_db)(wave, np.random.default_rng(3))
    noise = out - wave
    measured = 10 * np.log10(np.mean(wave.astype(np.float64) ** 2) / np.mean(noise.astype(np.float64) ** 2))
    assert measured == pytest.approx(snr_db, abs=0.05)


def test_noise_leaves_digital_silence_alone():
    silence = np.zeros(SR, dtype=np.float32)
    np.testing.assert_array_equal(AddNoise()(silence, np.random.default_rng(0)), silence)


def test_band_limit_removes_bass_and_treble_like_a_telephone():
    wave = tone(50.0) + tone(1000.0) + tone(10000.0)
    out = BandLimit(SR)(wave, np.random.default_rng(0))
    assert band_power(out, 40, 60) < 0.01 * band_power(wave, 40, 60)
    assert band_power(out, 9500, 10500) < 0.01 * band_power(wave, 9500, 10500)
    assert band_power(out, 950, 1050) > 0.8 * band_power(wave, 950, 1050)


def test_equalize_tilts_the_spectral_balance_within_its_bounds():
    wave = tone(100.0) + tone(8000.0)
    tilts = []
    for seed in range(20):
        out = Equalize(SR, max_db=9.0)(wave, np.random.default_rng(seed))
        for low, high in ((90, 110), (7900, 8100)):
            change_db = 10 * np.log10(band_power(out, low, high) / band_power(wave, low, high))
            assert abs(change_db) <= 3 * 9.0  # at most three stages, each within +-max_db
        tilts.append(
            10 * np.log10(band_power(out, 90, 110) / band_power(out, 7900, 8100))
            - 10 * np.log10(band_power(wave, 90, 110) / band_power(wave, 7900, 8100))
        )
    assert np.mean(np.abs(tilts)) > 3.0


def test_speed_moves_pitch_with_tempo():
    out = Speed(1.1, 1.1)(tone(1000.0), np.random.default_rng(0))
    assert dominant_frequency(out) == pytest.approx(1100.0, rel=0.01)


def test_pitch_shift_moves_pitch_by_semitones():
    out = PitchShift(SR, semitones=(2,))(tone(440.0), np.random.default_rng(0))
    assert dominant_frequency(out) == pytest.approx(440.0 * 2 ** (2 / 12), rel=0.01)


def test_time_stretch_keeps_pitch():
    out = TimeStretch(1.15, 1.15)(tone(440.0), np.random.default_rng(0))
    assert dominant_frequency(out) == pytest.approx(440.0, rel=0.01)


def test_random_apply_probability_is_respected():
    wave = tone(440.0, 0.1)
    rng = np.random.default_rng(0)
    changed = sum(not np.array_equal(RandomApply(Gain(6.0, 6.0), 0.3)(wave, rng), wave) for _ in range(1000))
    assert 250 <= changed <= 350


def test_none_pipeline_is_identity_and_unknown_pipeline_is_an_error():
    wave = tone(440.0)
    np.testing.assert_array_equal(build_pipeline("none", SR)(wave, np.random.default_rng(0)), wave)
    with pytest.raises(KeyError, match="available"):
        build_pipeline("nope", SR)


def test_compose_applies_in_order():
    wave = tone(440.0)
    out = Compose((Gain(6.0, 6.0), Gain(-6.0, -6.0)))(wave, np.random.default_rng(0))
    np.testing.assert_allclose(out, wave, atol=1e-6)
