"""FROZEN COPY of ml.features as it was before issue 13 (librosa onset_strength, chroma_cqt, our own
BS.1770 meter, per-feature recomputation): the reference the tests compare the fast implementation with.
Never imported by the application. Input validation and waveform peaks did not change, so the copy uses
ml.features' own.

Descriptive audio features of a mono float waveform: loudness (LUFS, BS.1770-4), peak, tempo, key,
energy, danceability, and the waveform peaks the player draws.

Plain numpy/scipy/librosa, no Django and no model: speechiness comes from the tagger's music/speech
head and is passed in; valence is predicted by the model, not computed here. One module per feature;
`compute_features` runs them all, sharing one onset analysis. See docs/audio-features.md.
"""

from ml.features.waveform import waveform_peaks
from tests.ml.features_v1.danceability import danceability
from tests.ml.features_v1.energy import energy
from tests.ml.features_v1.key import KeyEstimate, estimate_key
from tests.ml.features_v1.loudness import integrated_loudness, peak_dbfs
from tests.ml.features_v1.summary import AudioFeatures, compute_features
from tests.ml.features_v1.tempo import TempoEstimate, estimate_tempo

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
