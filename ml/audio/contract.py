"""The audio contract: every number that turns a file into the model's input.

A model is only valid for the contract it was trained with, so bundles record it (`to_dict`) and
rebuild it on load (`from_dict`); nothing downstream hard-codes these values.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

__all__ = ["AudioContract"]


@dataclass(frozen=True)
class AudioContract:
    """Decoding, log-mel and windowing parameters shared by training and inference.

    - `sample_rate`: audio is decoded to mono at this rate (Hz).
    - `n_fft`, `hop_length`: STFT size and hop in samples (Hann window of `n_fft`, centred frames).
    - `n_mels`, `f_min`, `f_max`: Slaney mel filterbank; `f_max=None` means `sample_rate / 2`.
    - `window_seconds`, `window_hop_seconds`: the fixed analysis windows a track is cut into.
    - `pitch_bins_per_octave`, `pitch_octaves`, `pitch_f_min`: the log-frequency (constant-Q style)
      pitch band that `ml.audio.LogMel` stacks under the mel bins; 0 octaves (the v1 default) means none.
    - `pitch_decimation`: the pitch band's STFT runs on the waveform decimated by this factor, so an
      `n_fft`-point transform resolves `sample_rate / pitch_decimation / n_fft` Hz (5.4 Hz by default:
      a semitone above about 90 Hz) at the cost of the mel STFT, with the same frame rate.
    """

    sample_rate: int = 22050
    n_fft: int = 1024
    hop_length: int = 512
    n_mels: int = 96
    f_min: float = 0.0
    f_max: float | None = None
    window_seconds: float = 3.0
    window_hop_seconds: float = 1.5
    pitch_bins_per_octave: int = 0
    pitch_octaves: int = 0
    pitch_f_min: float = 65.40639  # C2
    pitch_decimation: int = 4

    def __post_init__(self) -> None:
        if self.sample_rate <= 0 or self.n_fft <= 0 or self.hop_length <= 0 or self.n_mels <= 0:
            raise ValueError(f"sample_rate, n_fft, hop_length and n_mels must be positive: {self}")
        if not 0 < self.window_hop_seconds <= self.window_seconds:
            raise ValueError("window_hop_seconds must be in (0, window_seconds]")
        if self.f_max is not None and not self.f_min < self.f_max <= self.sample_rate / 2:
            raise ValueError("f_max must lie in (f_min, sample_rate / 2]")
        if self.n_pitch:
            top = self.pitch_f_min * 2.0**self.pitch_octaves
            if self.hop_length % self.pitch_decimation or top >= self.sample_rate / self.pitch_decimation / 2:
                raise ValueError(
                    "the pitch band must end below the decimated Nyquist frequency, and "
                    "hop_length must be a multiple of pitch_decimation"
                )

    @property
    def n_pitch(self) -> int:
        """Bins of the pitch band (0 when the contract has none)."""
        return self.pitch_bins_per_octave * self.pitch_octaves

    @property
    def n_features(self) -> int:
        """Rows of the front end's output: the mel bins, then the pitch bins."""
        return self.n_mels + self.n_pitch

    @property
    def window_samples(self) -> int:
        """Samples in one analysis window."""
        return round(self.window_seconds * self.sample_rate)

    @property
    def hop_samples(self) -> int:
        """Samples between the starts of two consecutive windows."""
        return round(self.window_hop_seconds * self.sample_rate)

    @property
    def window_frames(self) -> int:
        """Log-mel frames of one window (centred STFT: one frame per hop plus one)."""
        return 1 + self.window_samples // self.hop_length

    @property
    def mel_f_max(self) -> float:
        """The filterbank's upper edge in Hz, with the `None` default resolved."""
        return float(self.sample_rate) / 2 if self.f_max is None else float(self.f_max)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict of every field (what a model card stores)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AudioContract:
        """Inverse of `to_dict`. Unknown keys raise ValueError: a card from a newer contract must not be
        silently read with parameters dropped."""
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown audio contract keys: {sorted(unknown)}")
        return cls(**data)
