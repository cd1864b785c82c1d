"""Energy in [0, 1]: how loud and how busy a track is.

    energy = 0.6 * loudness_term + 0.4 * density_term
    loudness_term = clip((L_rms + 30) / 24, 0, 1)      L_rms: RMS level in dBFS of the non-silent frames
    density_term  = clip(log2(1 + r) / log2(9), 0, 1)   r: detected onsets per second

- L_rms is the power mean of 2048-sample frame RMS (hop 512) over frames above -60 dBFS, so a quiet
  intro or trailing silence does not dilute it. -30 dBFS (a quiet acoustic recording) maps to 0, -6 dBFS
  (a heavily limited modern master) to 1. It is the level as delivered: mastering loudness counts, as
  it does for a listener.
- r counts onsets (librosa peak picking on the shared onset envelope) per second of audio; the log
  makes the first few onsets per second matter most: 1/s gives 0.32, 4/s 0.73, 8/s (sixteenth notes at
  120 BPM) or more gives 1.
- Level gets the larger weight because loudness is among the most consistent cues to perceived
  activity in music (reviewed by Gabrielsson & Lindström 2010, "The role of structure in the musical
  expression of emotions", in Juslin & Sloboda (eds.), Handbook of Music and Emotion, OUP); the 0.6/0.4
  split itself is a design choice, not fitted to ratings.

Digital silence gives 0.
"""

from __future__ import annotations

import math

import librosa
import numpy as np

from ml.features.validation import checked_wave
from tests.ml.features_v1.onsets import OnsetEnvelope, onset_envelope

__all__ = ["energy", "rms_level_dbfs"]

SILENCE_DBFS = -60.0
QUIET_DBFS, LOUD_DBFS = -30.0, -6.0
BUSY_ONSETS_PER_SECOND = 8.0
LOUDNESS_WEIGHT, DENSITY_WEIGHT = 0.6, 0.4


def rms_level_dbfs(wave: np.ndarray) -> float:
    """RMS level in dBFS over non-silent frames (above -60 dBFS); -inf when every frame is silent."""
    y = checked_wave(wave)
    rms = librosa.feature.rms(y=y, frame_length=2048, hop_length=512, center=True)[0].astype(np.float64)
    power = rms[rms > 10.0 ** (SILENCE_DBFS / 20.0)] ** 2
    return 10.0 * math.log10(power.mean()) if power.size else float("-inf")


def energy(wave: np.ndarray, sample_rate: int, *, envelope: OnsetEnvelope | None = None) -> float:
    """Energy of a mono waveform; pass `envelope` to reuse an onset envelope already computed for it."""
    level = rms_level_dbfs(wave)
    if level == float("-inf"):
        return 0.0
    env = envelope if envelope is not None else onset_envelope(wave, sample_rate)
    loudness_term = float(np.clip((level - QUIET_DBFS) / (LOUD_DBFS - QUIET_DBFS), 0.0, 1.0))
    rate = len(env.onset_frames()) / env.duration
    density_term = float(np.clip(math.log2(1.0 + rate) / math.log2(1.0 + BUSY_ONSETS_PER_SECOND), 0.0, 1.0))
    return LOUDNESS_WEIGHT * loudness_term + DENSITY_WEIGHT * density_term
