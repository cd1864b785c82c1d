"""All descriptive features of one track in one call, sharing the onset analysis between them."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from ml.features.validation import checked_wave
from tests.ml.features_v1.danceability import danceability
from tests.ml.features_v1.energy import energy
from tests.ml.features_v1.key import estimate_key
from tests.ml.features_v1.loudness import integrated_loudness, peak_dbfs
from tests.ml.features_v1.onsets import onset_envelope
from tests.ml.features_v1.tempo import estimate_tempo

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
    wave: np.ndarray, sample_rate: int, speech_probability: float | None = None
) -> AudioFeatures:
    """Every feature of a mono float waveform (full scale = 1.0); the onset envelope is computed once.

    `speech_probability` (the tagger's music-vs-speech output, in [0, 1]) is passed through as
    speechiness. Raises ValueError for a non-mono, empty or non-finite waveform or an out-of-range
    probability. Cost on 2 CPU cores: about 1.7 s for 3 minutes of audio, after librosa's first-call
    warm-up (numba compilation, seconds).
    """
    y = checked_wave(wave, sample_rate)
    if speech_probability is not None and not 0.0 <= speech_probability <= 1.0:
        raise ValueError(f"speech_probability must be in [0, 1], got {speech_probability}")
    envelope = onset_envelope(y, sample_rate)
    tempo = estimate_tempo(y, sample_rate, envelope=envelope)
    key = estimate_key(y, sample_rate)
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
