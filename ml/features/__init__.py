"""Descriptive audio features of a mono float waveform: loudness (LUFS, BS.1770-4), peak, tempo, key,
energy, danceability, and the waveform peaks the player draws.

Plain numpy/scipy/librosa, no Django and no model: speechiness comes from the tagger's music/speech
head and is passed in; valence is predicted by the model, not computed here. One module per feature;
`compute_features` runs them all, sharing one onset analysis. See docs/audio-features.md.
"""

from ml.features.danceability import danceability
from ml.features.energy import energy
from ml.features.key import KeyEstimate, estimate_key
from ml.features.loudness import integrated_loudness, peak_dbfs
from ml.features.summary import AudioFeatures, compute_features
from ml.features.tempo import TempoEstimate, estimate_tempo
from ml.features.waveform import waveform_peaks

__all__ = [
    "AudioFeatures",
    "compute_features",
    "integrated_loudness",
    "peak_dbfs",
    "TempoEstimate",
    "estimate_tempo",
    "KeyEstimate",
    "estimate_key",
    "energy",
    "danceability",
    "waveform_peaks",
]
