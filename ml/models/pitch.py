"""The pitch-aware branch: interval detectors over the contract's log-frequency pitch band.

Why: 96 mel bands are 66 Hz apart below 1 kHz, wider than a semitone near middle C, so a mel-only
network cannot tell a major third from a minor one, and valence (major vs minor) and the valence-
neighbour mood families suffered (moodmix-v1's card). The pitch band (`ml.audio.LogMel` with
`pitch_bins_per_octave` > 0) resolves semitones; this branch reads it with 2-D filters one octave high,
max-pooled over pitch, so each channel is a transposition-invariant detector of an interval pattern
(a chord quality, a mode) wherever the music sits (as key-invariant chroma features are, Mueller 2015,
"Fundamentals of Music Processing", ch. 3 and 5), then a residual Conv1d over time and mean+max pooling.

`PitchAwareBackbone` runs any registered mel backbone on the mel rows and this branch on the pitch
rows, and concatenates their features, so the C-RNN and the time/frequency CNN get the same pitch input.
"""

from __future__ import annotations

import torch
from torch import nn

from ml.models.blocks import ConvBlock2d, ResidualBlock1d, mean_max_pool
from ml.models.net import Backbone

__all__ = ["PitchBranch", "PitchAwareBackbone"]


class PitchBranch(nn.Module):
    """(B, n_pitch, frames) normalised log pitch band -> (B, 2 * channels) features."""

    def __init__(
        self, bins_per_octave: int, *, channels: int = 32, width: int = 5, mid_kernel: int = 7
    ) -> None:
        super().__init__()
        height = bins_per_octave + 1  # one octave and its top note: octave-related intervals fit inside
        self.front = ConvBlock2d(1, channels, (height, width), (0, width // 2))
        self.mid = nn.Sequential(ResidualBlock1d(channels, mid_kernel), nn.MaxPool1d(2, ceil_mode=True))
        self.out_features = 2 * channels

    def forward(self, pitch: torch.Tensor) -> torch.Tensor:
        x = self.front(pitch.unsqueeze(1)).amax(dim=2)  # (B, C, T): max over transpositions
        return mean_max_pool(self.mid(x))


class PitchAwareBackbone(Backbone):
    """A mel backbone on the first `n_mels` rows beside a `PitchBranch` on the remaining `n_pitch` rows."""

    def __init__(self, mel: Backbone, n_mels: int, pitch: PitchBranch) -> None:
        super().__init__()
        self.mel = mel
        self.pitch = pitch
        self.n_mels = n_mels
        self.out_features = mel.out_features + pitch.out_features

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        mel, pitch = features[:, : self.n_mels], features[:, self.n_mels :]
        return torch.cat([self.mel(mel), self.pitch(pitch)], dim=-1)
