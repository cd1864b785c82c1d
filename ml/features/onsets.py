"""The onset-strength envelope that tempo, danceability and energy share (computed once per track)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import librosa
import numpy as np

from ml.features.pulse import normalised_autocorrelation

__all__ = ["RHYTHM_HOP", "OnsetEnvelope", "onset_envelope"]

# 256 samples = 11.6 ms at 22.05 kHz: twice the resolution of the model's 512 hop, so a beat period
# spans ~43 frames at 120 BPM and lag quantisation stays near 1 %.
RHYTHM_HOP = 256


@dataclass(frozen=True)
class OnsetEnvelope:
    """Spectral-flux onset strength per frame (librosa: positive log-mel difference, mean over bands).

    `strength[i]` describes the frame starting at `i * hop_length / sample_rate` seconds. The detected
    onsets and the normalised autocorrelation are computed on first use and kept, so tempo, energy
    and danceability share them.
    """

    strength: np.ndarray
    sample_rate: int
    hop_length: int

    @property
    def frame_rate(self) -> float:
        return self.sample_rate / self.hop_length

    @property
    def duration(self) -> float:
        return len(self.strength) / self.frame_rate

    @cached_property
    def _onsets(self) -> np.ndarray:
        return librosa.onset.onset_detect(
            onset_envelope=self.strength, sr=self.sample_rate, hop_length=self.hop_length
        )

    def onset_frames(self) -> np.ndarray:
        """Frames where an onset is detected (librosa's peak picking on this envelope)."""
        return self._onsets

    @cached_property
    def autocorrelation(self) -> np.ndarray:
        """`normalised_autocorrelation(strength)`: read by tempo confidence and danceability."""
        return normalised_autocorrelation(self.strength)


def onset_envelope(wave: np.ndarray, sample_rate: int) -> OnsetEnvelope:
    """Onset strength of a mono waveform: librosa's spectral flux on a log-power mel spectrogram, from
    the shared STFT of `ml.features.spectrum`.

    Spectral flux as reviewed by Bello et al. 2005, "A tutorial on onset detection in music signals",
    IEEE Trans. Speech and Audio Processing 13(5).
    """
    from ml.features.spectrum import analyse_spectrum  # the spectrum module builds on this one

    return analyse_spectrum(wave, sample_rate).onset
