"""The log-mel front end as a torch module, so it runs batched on whatever device holds the audio."""

from __future__ import annotations

import librosa
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ml.audio.contract import AudioContract

__all__ = ["LOG_OFFSET", "LogMel", "pitch_filterbank", "lowpass_taps"]

# Added before the log so silent bins stay finite: log(1e-6) = -13.8 is the floor of every feature.
LOG_OFFSET = 1e-6


class LogMel(nn.Module):
    """Waveform batch (B, T) or (T,) -> log-mel (B, n_mels, frames) or (n_mels, frames).

    Exactly: ``log(M @ |STFT(x)|^2 + 1e-6)`` (natural log), where STFT is a centred, zero-padded
    (librosa's default ``pad_mode="constant"``) ``n_fft``-point transform with a periodic Hann window and
    ``hop_length`` hop, and M is ``librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax)`` (Slaney scale and
    area normalisation). This equals ``np.log(librosa.feature.melspectrogram(y, sr=..., n_fft=...,
    hop_length=..., n_mels=..., fmin=..., fmax=..., power=2.0) + 1e-6)`` up to float32 rounding:
    tests/ml/test_audio_frontend.py holds it to a max abs error of 1e-3 in log units (measured: at most
    4.3e-4, on a decaying chord, in near-empty bins close to the -13.8 floor; 2e-6 on white noise; mean
    error at most 1.1e-5).

    The filterbank and window are rebuilt from the contract at construction and registered as
    non-persistent buffers: they move with `.to(device)` but never enter a state_dict, so no checkpoint
    can carry a stale filterbank. `frames = 1 + T // hop_length`.

    When the contract has a pitch band (`contract.n_pitch > 0`), the output is (B, n_mels + n_pitch,
    frames): the log-mel rows, then log pitch-band power. The pitch band hears what 96 mel bands cannot
    (below 1 kHz they are 66 Hz apart, wider than a semitone, so major and minor thirds share bands):
    the wave is low-passed and decimated by `pitch_decimation` (a windowed-sinc FIR), an `n_fft`-point
    STFT with hop `hop_length / pitch_decimation` keeps the mel frame rate at 4x the frequency
    resolution, and `pitch_filterbank` pools it into log-spaced bins (constant-Q style, Brown 1991).
    """

    def __init__(self, contract: AudioContract) -> None:
        super().__init__()
        self.contract = contract
        mel = librosa.filters.mel(
            sr=contract.sample_rate,
            n_fft=contract.n_fft,
            n_mels=contract.n_mels,
            fmin=contract.f_min,
            fmax=contract.mel_f_max,
        )
        self.register_buffer("mel_basis", torch.from_numpy(mel).float(), persistent=False)
        self.register_buffer("window", torch.hann_window(contract.n_fft, periodic=True), persistent=False)
        if contract.n_pitch:
            rate = contract.sample_rate / contract.pitch_decimation
            bank = pitch_filterbank(
                rate,
                contract.n_fft,
                contract.pitch_f_min,
                contract.pitch_bins_per_octave,
                contract.pitch_octaves,
            )
            # Only the FFT bins some pitch bin reads enter the product (about 400 of 513 by default).
            used = np.flatnonzero(bank.any(axis=0))
            self.pitch_columns = (int(used[0]), int(used[-1]) + 1)
            bank = bank[:, self.pitch_columns[0] : self.pitch_columns[1]]
            self.register_buffer(
                "pitch_basis", torch.from_numpy(np.ascontiguousarray(bank)), persistent=False
            )
            taps = lowpass_taps(contract.pitch_decimation)
            self.register_buffer("lowpass", torch.from_numpy(taps).reshape(1, 1, -1), persistent=False)

    def forward(self, wave: torch.Tensor) -> torch.Tensor:
        spec = torch.stft(
            wave.to(self.window.dtype),
            n_fft=self.contract.n_fft,
            hop_length=self.contract.hop_length,
            window=self.window,
            center=True,
            pad_mode="constant",
            return_complex=True,
        )
        power = spec.real.square() + spec.imag.square()
        mel = torch.log(torch.matmul(self.mel_basis, power) + LOG_OFFSET)
        if not self.contract.n_pitch:
            return mel
        return torch.cat([mel, self._pitch(wave.to(self.window.dtype), mel.shape[-1])], dim=-2)

    def _pitch(self, wave: torch.Tensor, frames: int) -> torch.Tensor:
        factor = self.contract.pitch_decimation
        half = self.lowpass.shape[-1] // 2
        # Strided windows times the taps: the FIR evaluated only at the kept samples (2x faster than a
        # strided conv1d on one CPU thread).
        low = F.pad(wave, (half, half)).unfold(-1, 2 * half + 1, factor) @ self.lowpass.reshape(-1)
        spec = torch.stft(
            low,
            n_fft=self.contract.n_fft,
            hop_length=self.contract.hop_length // factor,
            window=self.window,
            center=True,
            pad_mode="constant",
            return_complex=True,
        )
        lo, hi = self.pitch_columns
        spec = spec[..., lo:hi, :]
        power = spec.real.square() + spec.imag.square()
        pitch = torch.log(torch.matmul(self.pitch_basis, power) + LOG_OFFSET)
        # ceil(T / factor) samples can give one frame more than the mel STFT: keep the mel frame count.
        if pitch.shape[-1] < frames:
            pitch = F.pad(pitch, (0, frames - pitch.shape[-1]), mode="replicate")
        return pitch[..., :frames]


def lowpass_taps(factor: int, taps_per_factor: int = 8) -> np.ndarray:
    """Windowed-sinc (Hann) low-pass FIR for decimation by `factor`: cut-off at 0.9 of the new Nyquist
    frequency, unit gain at DC, `2 * taps_per_factor * factor + 1` taps."""
    half = taps_per_factor * factor
    n = np.arange(-half, half + 1, dtype=np.float64)
    cutoff = 0.9 / factor  # in units of the old Nyquist frequency
    taps = cutoff * np.sinc(cutoff * n) * np.hanning(2 * half + 3)[1:-1]
    return (taps / taps.sum()).astype(np.float32)


def pitch_filterbank(
    sample_rate: float, n_fft: int, f_min: float, bins_per_octave: int, octaves: int
) -> np.ndarray:
    """(bins_per_octave * octaves, n_fft // 2 + 1) float32 weights of log-spaced pitch bins.

    Bin k is centred on ``f_min * 2 ** (k / bins_per_octave)``, a triangle on the linear-frequency axis
    whose half-width is the larger of the distance to the next bin centre and one FFT bin (so the low
    bins, narrower than the FFT resolution, still read the nearest FFT bins rather than nothing); rows
    sum to one, so each bin is a weighted mean of power.
    """
    fft_freqs = np.fft.rfftfreq(n_fft, d=1.0 / sample_rate)
    resolution = sample_rate / n_fft
    centres = f_min * 2.0 ** (np.arange(bins_per_octave * octaves) / bins_per_octave)
    widths = np.maximum(centres * (2.0 ** (1.0 / bins_per_octave) - 1.0), resolution)
    weights = np.maximum(0.0, 1.0 - np.abs(fft_freqs[None, :] - centres[:, None]) / widths[:, None])
    return (weights / weights.sum(axis=1, keepdims=True)).astype(np.float32)
