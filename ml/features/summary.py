"""All descriptive features of one track in one call, sharing one spectrum and one onset analysis."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import torch

from ml.features.danceability import danceability
from ml.features.energy import energy
from ml.features.key import estimate_key
from ml.features.loudness import integrated_loudness, peak_dbfs
from ml.features.spectrum import analyse_spectrum
from ml.features.tempo import estimate_tempo
from ml.features.validation import checked_wave

__all__ = ["AudioFeatures", "compute_features"]


@dataclass(frozen=True)
class AudioFeatures:
    """Signal-level descriptors of a track (docs/audio-features.md says how each is computed).

    Valence is deliberately absent: the model predicts it. `speechiness` is the music/speech model's
    probability when the caller has one, else None: it is never estimated here. Loudness and peak are
    -inf for digital silence; tempo, key and mode are None where there is no pulse or no pitch.
    """

    duration: float
    loudness_lufs: float
    peak_dbfs: float
    tempo_bpm: float | None
    tempo_confidence: float
    key: str | None
    mode: str | None
    key_confidence: float
    energy: float
    danceability: float
    speechiness: float | None

    def to_dict(self) -> dict[str, float | str | None]:
        """JSON-safe dict: non-finite floats (the -inf of silence) become None."""
        return {
            k: None if isinstance(v, float) and not math.isfinite(v) else v for k, v in asdict(self).items()
        }


def compute_features(
    wave: np.ndarray,
    sample_rate: int,
    speech_probability: float | None = None,
    *,
    device: str | torch.device | None = None,
) -> AudioFeatures:
    """Every feature of a mono float waveform (full scale = 1.0).

    One STFT (`ml.features.spectrum`, on `device`, the CPU by default) gives the onset envelope and the
    tuning the key's chroma needs; the envelope's detected onsets and autocorrelation are computed once
    and shared by tempo, energy and danceability. `speech_probability` (the tagger's music-vs-speech
    output, in [0, 1]) is passed through as speechiness. Raises ValueError for a non-mono, empty or
    non-finite waveform or an out-of-range probability. Cost on one CPU thread: docs/benchmarks.md
    (issue 13's section); librosa's first call in a process compiles numba code (seconds).
    """
    y = checked_wave(wave, sample_rate)
    if speech_probability is not None and not 0.0 <= speech_probability <= 1.0:
        raise ValueError(f"speech_probability must be in [0, 1], got {speech_probability}")
    spectrum = analyse_spectrum(y, sample_rate, device=device)
    envelope = spectrum.onset
    tempo = estimate_tempo(y, sample_rate, envelope=envelope)
    key = estimate_key(y, sample_rate, tuning=spectrum.tuning)
    return AudioFeatures(
        duration=y.size / sample_rate,
        loudness_lufs=integrated_loudness(y, sample_rate),
        peak_dbfs=peak_dbfs(y),
        tempo_bpm=tempo.bpm,
        tempo_confidence=tempo.confidence,
        key=key.key,
        mode=key.mode,
        key_confidence=key.confidence,
        energy=energy(y, sample_rate, envelope=envelope),
        danceability=danceability(y, sample_rate, envelope=envelope, bpm=tempo.bpm) if tempo.bpm else 0.0,
        speechiness=None if speech_probability is None else float(speech_probability),
    )
