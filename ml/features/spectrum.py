"""One short-time Fourier transform of the whole track, from which the rhythm and pitch features read.

The onset envelope (tempo, energy, danceability) and the chroma (key) used to come from two separate
librosa passes over the samples: a mel spectrogram for `onset_strength` and a constant-Q transform
for `chroma_cqt`, each with its own framing and FFTs. Here one torch STFT (n_fft 2048, hop 256, Hann,
centred with zero padding: librosa's defaults for `onset_strength`) feeds both:

- the onset envelope: log-power mel spectrogram (128 Slaney bands, `power_to_db` with an 80 dB floor
  under the track's maximum), positive first difference, mean over bands, shifted by the centring
  frames. This is `librosa.onset.onset_strength(y, sr, hop_length=256)` computed another way (equal to
  float32 rounding, tested);
- the tuning (deviation from A440 in fractions of a bin) that the key's constant-Q chroma needs:
  librosa's `estimate_tuning` (pitch tracking on the magnitude spectrum) read from every 8th frame of
  this STFT, block by block. `chroma_cqt` would otherwise run a second STFT (hop 512) and pitch-track
  4x as many frames just for this number: 60 % of its cost.

The key keeps its constant-Q chroma (`ml.features.key`): STFT chroma from these frames was measured
and rejected, it changed the key of 5 of 12 demo tracks (2048-point frames cannot separate semitones
below about 360 Hz, where the bass lines that anchor a key live).

The transform runs in blocks of frames so its memory is bounded whatever the track length (a 20-minute
track never holds its full complex spectrogram, 0.8 GB); only the 128-band mel power (53 MB for 20
minutes) and the pitch peaks of every 8th frame are kept. It runs on any torch device: on a GPU
worker the model's device does this too.

The model's own front end (`ml.audio.LogMel`) cannot be shared: it transforms each 3 s window on its
own (windows overlap by half and start off the 512-sample frame grid), with a contract the bundle fixes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import librosa
import numpy as np
import torch

from ml.features.onsets import RHYTHM_HOP, OnsetEnvelope
from ml.features.validation import checked_wave

__all__ = ["RHYTHM_N_FFT", "TUNING_STRIDE", "SpectralSummary", "analyse_spectrum"]

RHYTHM_N_FFT = 2048
RHYTHM_MELS = 128
TOP_DB = 80.0
AMIN = 1e-10
# chroma_cqt's resolution: it estimates tuning in fractions of its own 1/3-semitone bins.
CHROMA_BINS_PER_OCTAVE = 36
# Tuning is a whole-track property: every 8th frame (a 2048-sample, 93 ms hop) is plenty.
TUNING_STRIDE = 8
# 2048 frames of 1025 complex bins is 17 MB: large enough for fast FFT batches, small enough to bound RSS.
BLOCK_FRAMES = 2048


@dataclass(frozen=True)
class SpectralSummary:
    """What the features need from the spectrum: the onset envelope, and the tuning offset in
    fractions of a constant-Q chroma bin (a third of a semitone; librosa's `estimate_tuning` as
    `chroma_cqt` calls it, 0 for silence)."""

    onset: OnsetEnvelope
    tuning: float


@lru_cache(maxsize=8)
def _filterbanks(sample_rate: int, device: str) -> tuple[torch.Tensor, torch.Tensor]:
    mel = librosa.filters.mel(sr=sample_rate, n_fft=RHYTHM_N_FFT, n_mels=RHYTHM_MELS)
    window = torch.hann_window(RHYTHM_N_FFT, periodic=True, device=device)
    return torch.from_numpy(mel).to(device), window


def analyse_spectrum(
    wave: np.ndarray, sample_rate: int, *, device: str | torch.device | None = None
) -> SpectralSummary:
    """Onset envelope and tuning of a mono waveform from one blockwise STFT on `device` (CPU by
    default)."""
    y = checked_wave(wave, sample_rate)
    device = torch.device(device or "cpu")
    mel_basis, window = _filterbanks(sample_rate, str(device))
    half, hop = RHYTHM_N_FFT // 2, RHYTHM_HOP
    n_frames = 1 + y.size // hop
    padded = torch.nn.functional.pad(torch.from_numpy(y).to(device), (half, half))
    # Frames as rows of a strided view, windowed and transformed a block at a time: the same as
    # torch.stft(center=False), which measured 2-7x slower on one thread for these sizes.
    frames = padded.unfold(0, RHYTHM_N_FFT, hop)
    mel = torch.empty((n_frames, RHYTHM_MELS), dtype=torch.float32, device=device)
    peaks = _PitchPeaks(sample_rate)
    with torch.inference_mode():
        for first in range(0, n_frames, BLOCK_FRAMES):
            last = min(first + BLOCK_FRAMES, n_frames)
            spec = torch.fft.rfft(frames[first:last] * window, dim=1)
            power = spec.real.square() + spec.imag.square()
            torch.matmul(power, mel_basis.T, out=mel[first:last])
            # Global frame indices that are multiples of the stride, whatever the block boundaries.
            offset = (-first) % TUNING_STRIDE
            peaks.add(power[offset::TUNING_STRIDE].sqrt().T.cpu().numpy())
        strength = _onset_strength(mel)
    onset = OnsetEnvelope(strength=strength, sample_rate=sample_rate, hop_length=hop)
    return SpectralSummary(onset=onset, tuning=peaks.tuning())


def _onset_strength(mel: torch.Tensor) -> np.ndarray:
    """librosa's spectral flux (lag 1, no max filter, mean over bands, centring shift) of mel power
    laid out (frames, bands)."""
    db = 10.0 * torch.log10(torch.clamp(mel, min=AMIN))
    db = torch.maximum(db, db.max() - TOP_DB)
    flux = torch.clamp(db[1:] - db[:-1], min=0.0).mean(dim=1)
    shift = 1 + RHYTHM_N_FFT // (2 * RHYTHM_HOP)  # the lag, plus the frames centring adds
    strength = torch.cat([flux.new_zeros(shift), flux])[: mel.shape[0]]
    return strength.double().cpu().numpy()


class _PitchPeaks:
    """librosa's `estimate_tuning`, fed one block of magnitude frames at a time.

    `piptrack` decides each frame on its own (peaks above 0.1 of the frame's maximum), so running it per
    block and keeping only the (pitch, magnitude) pairs of its peaks gives exactly the whole-track
    result without holding a whole-track spectrogram and piptrack's float64 working arrays (a few
    hundred MB for 20 minutes). The magnitude threshold (median over all peaks) and the tuning histogram
    are then computed once, as librosa does.
    """

    def __init__(self, sample_rate: int) -> None:
        self.sample_rate = sample_rate
        self.pitches: list[np.ndarray] = []
        self.magnitudes: list[np.ndarray] = []

    def add(self, magnitude: np.ndarray) -> None:
        if not np.any(magnitude):
            return
        pitch, mag = librosa.piptrack(S=magnitude, sr=self.sample_rate, n_fft=RHYTHM_N_FFT)
        found = pitch > 0
        self.pitches.append(pitch[found])
        self.magnitudes.append(mag[found])

    def tuning(self) -> float:
        if not self.pitches:
            return 0.0
        pitch, mag = np.concatenate(self.pitches), np.concatenate(self.magnitudes)
        threshold = np.median(mag) if mag.size else 0.0
        return float(
            librosa.pitch_tuning(
                pitch[mag >= threshold], resolution=0.01, bins_per_octave=CHROMA_BINS_PER_OCTAVE
            )
        )
