"""Tempo in BPM with a confidence, from librosa's dynamic-programming beat tracker.

Beats: Ellis 2007, "Beat tracking by dynamic programming", J. New Music Research 36(1), run on the
shared onset envelope (`ml.features.onsets`). The tracker's own tempo is a whole-lag estimate (at a
256-sample hop, 120 BPM falls between lags 43 and 44, i.e. 120.2 or 117.5 BPM); the reported BPM is
instead 60 / mean inter-beat interval over the tracked beats (intervals more than 25 % off the median,
where the tracker skipped or doubled a beat, are left out), which averages the rounding away.

Confidence in [0, 1] is the product of
- salience: how far the onset envelope's autocorrelation at the beat period stands above its median
  over all lags between 30 and 300 BPM, scaled so a perfectly periodic envelope scores 1 and noise 0;
- stability: the fraction of ~8.9 s local tempo estimates (librosa's windowed autocorrelation
  tempogram) within 4 % of the BPM; a tempo that drifts or changes scores low.

No pulse, no tempo: with fewer than 4 detected onsets or 2 tracked beats (silence, a held chord) the
BPM is None and the confidence 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import librosa
import numpy as np

from ml.features.onsets import OnsetEnvelope, onset_envelope
from ml.features.pulse import correlation_at_period
from ml.features.tempogram import tempo_estimates

__all__ = ["TempoEstimate", "estimate_tempo"]

MIN_ONSETS = 4
STABLE_WITHIN = 0.04
SALIENCE_BPM_RANGE = (30.0, 300.0)


@dataclass(frozen=True)
class TempoEstimate:
    bpm: float | None
    confidence: float


def estimate_tempo(
    wave: np.ndarray, sample_rate: int, *, envelope: OnsetEnvelope | None = None
) -> TempoEstimate:
    """Tempo of a mono waveform; pass `envelope` to reuse an onset envelope already computed for it."""
    env = envelope if envelope is not None else onset_envelope(wave, sample_rate)
    if len(env.onset_frames()) < MIN_ONSETS:
        return TempoEstimate(bpm=None, confidence=0.0)
    # One tempogram serves the global tempo, the local estimates and (through bpm=) the tracker, which
    # would otherwise estimate the tempo again itself; `tempo_estimates` is librosa's tempogram + tempo
    # without its slow 767-point FFTs (ml.features.tempogram).
    local, whole_lag_bpm = tempo_estimates(env.strength, env.sample_rate, env.hop_length)
    _, beats = librosa.beat.beat_track(
        onset_envelope=env.strength,
        sr=env.sample_rate,
        hop_length=env.hop_length,
        bpm=whole_lag_bpm,
        units="frames",
    )
    if len(beats) < 2:
        return TempoEstimate(bpm=None, confidence=0.0)
    intervals = np.diff(beats) / env.frame_rate
    regular = intervals[np.abs(intervals / np.median(intervals) - 1.0) <= 0.25]
    bpm = 60.0 / float(regular.mean())

    rho = env.autocorrelation
    stability = float(np.mean(np.abs(local / bpm - 1.0) <= STABLE_WITHIN))
    confidence = _salience(rho, bpm, env.frame_rate) * stability
    return TempoEstimate(bpm=bpm, confidence=confidence)


def _salience(rho: np.ndarray, bpm: float, frame_rate: float) -> float:
    slow, fast = SALIENCE_BPM_RANGE
    lags = rho[max(1, int(frame_rate * 60.0 / fast)) : int(frame_rate * 60.0 / slow) + 1]
    baseline = float(np.median(lags)) if lags.size else 1.0
    if baseline >= 1.0:  # clip too short to hold a single beat period
        return 0.0
    at_beat = correlation_at_period(rho, frame_rate * 60.0 / bpm)
    return float(np.clip((at_beat - baseline) / (1.0 - baseline), 0.0, 1.0))
