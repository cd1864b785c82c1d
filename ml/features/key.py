"""Key and mode by the Krumhansl-Schmuckler algorithm.

The mean chroma vector of the track (librosa constant-Q chroma at a 93 ms hop, tuned with the offset the
shared spectrum estimated, `ml.features.spectrum`) is correlated (Pearson) with the
Krumhansl-Kessler major and minor key profiles rotated to each of the 12 tonics; the best of the 24
correlations names the key and mode, and its value is the confidence (in [-1, 1]; a clear tonal centre
reads about 0.85-0.97, atonal or percussive audio much lower).

Profiles: Krumhansl & Kessler 1982, "Tracing the dynamic changes in perceived tonal organization in a
spatial representation of musical keys", Psychological Review 89(4); algorithm: Krumhansl 1990,
"Cognitive Foundations of Musical Pitch", OUP, ch. 4.

Relative keys (C major / A minor) share their notes, so the decision rests on which pitch classes are
stressed; music that avoids the leading tone or cadences can be read as its relative key.
"""

from __future__ import annotations

from dataclasses import dataclass

import librosa
import numpy as np

from ml.features.validation import checked_wave

__all__ = ["PITCH_CLASSES", "KeyEstimate", "estimate_key"]

PITCH_CLASSES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
MAJOR_PROFILE = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
MINOR_PROFILE = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])
_PROFILES = {"major": MAJOR_PROFILE, "minor": MINOR_PROFILE}


@dataclass(frozen=True)
class KeyEstimate:
    """`key` is a pitch class name with sharps ("C", "F#"), `mode` "major" or "minor"; both None when
    the audio has no pitch content to correlate (silence, unpitched noise bursts)."""

    key: str | None
    mode: str | None
    confidence: float


# Key is a whole-track property: a 93 ms chroma hop (2048 at 22.05 kHz) loses nothing and is ~3x
# cheaper than the default 512.
CHROMA_HOP = 2048


def estimate_key(wave: np.ndarray, sample_rate: int, *, tuning: float | None = None) -> KeyEstimate:
    """Key, mode and correlation of a mono waveform. `tuning` (fractions of a chroma_cqt bin, e.g. from
    `ml.features.spectrum.analyse_spectrum`) spares the chroma its own tuning estimate."""
    y = checked_wave(wave, sample_rate)
    if not np.any(y):
        return KeyEstimate(key=None, mode=None, confidence=0.0)
    chroma = librosa.feature.chroma_cqt(y=y, sr=sample_rate, hop_length=CHROMA_HOP, tuning=tuning)
    return key_from_chroma(chroma.mean(axis=1))


# The 24 rotated profiles, z-scored once: row 12 * m + t is mode m (major, minor) on tonic t.
_MODES = tuple(_PROFILES)
_ROTATED = np.stack([np.roll(_PROFILES[mode], tonic) for mode in _MODES for tonic in range(12)])
_ROTATED_Z = (_ROTATED - _ROTATED.mean(axis=1, keepdims=True)) / _ROTATED.std(axis=1, keepdims=True)


def key_from_chroma(chroma: np.ndarray) -> KeyEstimate:
    """Best of the 24 profile correlations for a 12-bin mean chroma vector (index 0 = C).

    Pearson correlations as one matrix product of z-scores; ties go to the first (major before minor,
    C before C#), as the loop this replaces did.
    """
    chroma = np.asarray(chroma, dtype=np.float64)
    if chroma.shape != (12,):
        raise ValueError(f"expected 12 chroma bins, got shape {chroma.shape}")
    if np.ptp(chroma) <= 1e-9:  # flat chroma: correlation undefined, there is no tonal centre
        return KeyEstimate(key=None, mode=None, confidence=0.0)
    z = (chroma - chroma.mean()) / chroma.std()
    correlations = _ROTATED_Z @ z / 12.0
    best = int(np.argmax(correlations))
    return KeyEstimate(
        key=PITCH_CLASSES[best % 12], mode=_MODES[best // 12], confidence=float(correlations[best])
    )
