"""Waveform augmentations: small callables ``(wave, rng) -> wave`` composed into named pipelines.

Every transform takes a mono float waveform (1-D numpy array) and a seeded `numpy.random.Generator`
and returns a float32 array of the SAME length at the SAME sample rate, so a batch of crops stays a
batch and the audio contract holds. Randomness comes only from the generator passed in: the same
seed gives the same augmented audio.

The set follows the usual audio list (time stretching, pitch shifting, noise, loudness, equaliser;
Schlueter and Grill, "Exploring data augmentation for improved singing voice detection", ISMIR 2015;
McFee et al., "A software framework for musical data augmentation", ISMIR 2015), plus a telephony
band-limit so music heard through a poor channel keeps its tags.

Cost on one 3 s window at 22.05 kHz (one core of the 2-core dev machine, measured; see
docs/ml-training.md): gain 0.02 ms, noise 1.7 ms (pink noise needs an FFT), band-limit 1.2 ms, EQ
2.3 ms, `Speed` (resampling) 1.2 ms, `TimeStretch` (phase vocoder) 11 ms, `PitchShift` 12 ms. The
last two therefore run with a probability: the "default" pipeline measured 6-11 ms per crop on
average (a shared machine: timings vary), "light" 3 ms.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import librosa
import numpy as np
import scipy.signal

__all__ = [
    "Augmentation",
    "Gain",
    "AddNoise",
    "Equalize",
    "BandLimit",
    "Speed",
    "TimeStretch",
    "PitchShift",
    "RandomApply",
    "Compose",
    "register_pipeline",
    "build_pipeline",
    "available_pipelines",
]


class Augmentation(Protocol):
    def __call__(self, wave: np.ndarray, rng: np.random.Generator) -> np.ndarray: ...


def _fit_length(wave: np.ndarray, length: int) -> np.ndarray:
    """Crop, or loop the audio to fill; a loop keeps the level and texture where zero padding would
    add a silence the tagger might learn from."""
    if wave.size >= length:
        return wave[:length]
    return np.pad(wave, (0, length - wave.size), mode="wrap")


def _power(wave: np.ndarray) -> float:
    return float(np.mean(np.square(wave, dtype=np.float64)))


@dataclass(frozen=True)
class Gain:
    """Scale by a gain drawn uniformly in [min_db, max_db] decibels."""

    min_db: float = -12.0
    max_db: float = 6.0

    def __call__(self, wave: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        db = rng.uniform(self.min_db, self.max_db)
        return (wave * np.float32(10.0 ** (db / 20.0))).astype(np.float32)


@dataclass(frozen=True)
class AddNoise:
    """Add white or pink noise at a signal-to-noise ratio drawn in [min_snr_db, max_snr_db].

    The SNR is relative to the input's mean power; silent input is returned unchanged (no SNR exists).
    """

    min_snr_db: float = 10.0
    max_snr_db: float = 40.0
    pink_probability: float = 0.5

    def __call__(self, wave: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        signal_power = _power(wave)
        if signal_power == 0.0:
            return wave.astype(np.float32)
        noise = rng.standard_normal(wave.size)
        if rng.random() < self.pink_probability:
            noise = _pink(noise)
        snr_db = rng.uniform(self.min_snr_db, self.max_snr_db)
        scale = np.sqrt(signal_power / (_power(noise) * 10.0 ** (snr_db / 10.0)))
        return (wave + scale * noise).astype(np.float32)


def _pink(white: np.ndarray) -> np.ndarray:
    """Shape white noise to a 1/f power spectrum (amplitude 1/sqrt(f)); DC is dropped."""
    spectrum = np.fft.rfft(white)
    bins = np.arange(spectrum.size, dtype=np.float64)
    bins[0] = np.inf
    return np.fft.irfft(spectrum / np.sqrt(bins), n=white.size)


@dataclass(frozen=True)
class Equalize:
    """A random equaliser curve applied in the frequency domain (one FFT, zero phase).

    The curve in dB is a low shelf, a high shelf and one bell, each with a gain drawn in
    [-max_db, max_db], smooth in log-frequency: the broad tonal tilts that recordings and playback
    chains differ by.
    """

    sample_rate: int
    max_db: float = 9.0

    def __call__(self, wave: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        freqs = np.fft.rfftfreq(wave.size, d=1.0 / self.sample_rate)
        octave = np.log2(np.maximum(freqs, 20.0))
        low, high, bell = rng.uniform(-self.max_db, self.max_db, size=3)
        low_corner = np.log2(rng.uniform(100.0, 400.0))
        high_corner = np.log2(rng.uniform(2000.0, 6000.0))
        bell_centre = np.log2(rng.uniform(300.0, 4000.0))
        bell_width = rng.uniform(0.5, 1.5)
        curve_db = (
            low * _sigmoid(4.0 * (low_corner - octave))
            + high * _sigmoid(4.0 * (octave - high_corner))
            + bell * np.exp(-0.5 * ((octave - bell_centre) / bell_width) ** 2)
        )
        spectrum = np.fft.rfft(wave) * 10.0 ** (curve_db / 20.0)
        return np.fft.irfft(spectrum, n=wave.size).astype(np.float32)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


@dataclass(frozen=True)
class BandLimit:
    """Telephony-like band-limit: 4th-order Butterworth high-pass at a cutoff drawn in `highpass_hz`
    and low-pass at a cutoff drawn in `lowpass_hz` (capped below Nyquist)."""

    sample_rate: int
    highpass_hz: tuple[float, float] = (80.0, 300.0)
    lowpass_hz: tuple[float, float] = (3400.0, 8000.0)

    def __call__(self, wave: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        nyquist = self.sample_rate / 2.0
        low_cut = rng.uniform(*self.highpass_hz)
        high_cut = min(rng.uniform(*self.lowpass_hz), 0.95 * nyquist)
        sos = scipy.signal.butter(4, [low_cut, high_cut], btype="bandpass", fs=self.sample_rate, output="sos")
        return scipy.signal.sosfilt(sos, wave).astype(np.float32)


@dataclass(frozen=True)
class Speed:
    """Play faster or slower by a factor drawn in [min_rate, max_rate]: tempo and pitch move together
    (like tape speed). A cheap resampling stand-in for stretch + shift (about 1.2 ms per 3 s window)."""

    min_rate: float = 0.9
    max_rate: float = 1.1

    def __call__(self, wave: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        rate = rng.uniform(self.min_rate, self.max_rate)
        # Resampling from rate*N to N samples plays the audio `rate` times faster.
        out = librosa.resample(wave.astype(np.float32), orig_sr=rate * 1000.0, target_sr=1000.0)
        return _fit_length(out, wave.size).astype(np.float32)


@dataclass(frozen=True)
class TimeStretch:
    """Change tempo, keep pitch (librosa phase vocoder), by a rate drawn in [min_rate, max_rate].

    Faster audio is shorter: the tail is filled by looping, so at rate r up to 1 - 1/r of the window
    repeats its start. About 11 ms per 3 s window: use with a probability.
    """

    min_rate: float = 0.85
    max_rate: float = 1.15

    def __call__(self, wave: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        rate = rng.uniform(self.min_rate, self.max_rate)
        out = librosa.effects.time_stretch(wave.astype(np.float32), rate=rate)
        return _fit_length(out, wave.size).astype(np.float32)


@dataclass(frozen=True)
class PitchShift:
    """Shift pitch by a whole number of semitones drawn from `semitones`, keep tempo (librosa).
    About 12 ms per 3 s window: use with a probability."""

    sample_rate: int
    semitones: tuple[int, ...] = (-3, -2, -1, 1, 2, 3)

    def __call__(self, wave: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        steps = int(rng.choice(self.semitones))
        out = librosa.effects.pitch_shift(wave.astype(np.float32), sr=self.sample_rate, n_steps=steps)
        return _fit_length(out, wave.size).astype(np.float32)


@dataclass(frozen=True)
class RandomApply:
    """Apply `transform` with probability `p`, else pass the audio through."""

    transform: Augmentation
    p: float

    def __call__(self, wave: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        if rng.random() < self.p:
            return self.transform(wave, rng)
        return wave.astype(np.float32)


@dataclass(frozen=True)
class Compose:
    """Apply transforms in order."""

    transforms: Sequence[Augmentation] = ()

    def __call__(self, wave: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        out = wave.astype(np.float32)
        for transform in self.transforms:
            out = transform(out, rng)
        return out


PipelineFactory = Callable[[int], Compose]
_PIPELINES: dict[str, PipelineFactory] = {}


def register_pipeline(name: str) -> Callable[[PipelineFactory], PipelineFactory]:
    """Register a factory ``sample_rate -> Compose`` under `name` (used by `TrainConfig.augment`)."""

    def decorator(factory: PipelineFactory) -> PipelineFactory:
        if name in _PIPELINES:
            raise ValueError(f"augmentation pipeline {name!r} is already registered")
        _PIPELINES[name] = factory
        return factory

    return decorator


def build_pipeline(name: str, sample_rate: int) -> Compose:
    """The named pipeline for audio at `sample_rate`."""
    if name not in _PIPELINES:
        raise KeyError(f"unknown augmentation pipeline {name!r}; available: {available_pipelines()}")
    return _PIPELINES[name](sample_rate)


def available_pipelines() -> list[str]:
    return sorted(_PIPELINES)


@register_pipeline("none")
def _no_augmentation(sample_rate: int) -> Compose:
    return Compose(())


@register_pipeline("light")
def _light(sample_rate: int) -> Compose:
    """Only the cheap transforms: for CPU-bound runs and the test suite."""
    return Compose(
        (
            Gain(-6.0, 6.0),
            RandomApply(Equalize(sample_rate, max_db=6.0), 0.5),
            RandomApply(AddNoise(20.0, 40.0), 0.3),
        )
    )


@register_pipeline("default")
def _default(sample_rate: int) -> Compose:
    """Everything, the slow stretch/shift on a fraction of the crops (6-11 ms per crop measured)."""
    return Compose(
        (
            RandomApply(TimeStretch(), 0.15),
            RandomApply(PitchShift(sample_rate), 0.15),
            RandomApply(Speed(), 0.2),
            RandomApply(Equalize(sample_rate), 0.5),
            RandomApply(BandLimit(sample_rate), 0.15),
            RandomApply(AddNoise(), 0.4),
            Gain(),
        )
    )


@register_pipeline("ssl")
def _ssl(sample_rate: int) -> Compose:
    """For the two views of a contrastive pair (CLMR, Spijkervet and Burgoyne 2021, uses gain, filters,
    noise and pitch shift): cheap channel changes only, no pitch shift, so the pitch band's view of key
    and mode is something the two crops share rather than something the loss teaches the model to
    ignore."""
    return Compose(
        (
            RandomApply(Speed(), 0.2),
            RandomApply(Equalize(sample_rate), 0.7),
            RandomApply(BandLimit(sample_rate), 0.15),
            RandomApply(AddNoise(), 0.4),
            Gain(),
        )
    )
