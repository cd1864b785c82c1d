"""Convolutional recurrent network ("crnn") after Choi, Fazekas, Sandler & Cho 2017,
"Convolutional recurrent neural networks for music classification", ICASSP.

CNNs extract local features, a GRU summarises them over time::

    log-mel (B, 1, M, T)
    -> 4 x [Conv 3x3 -> BN -> ELU -> max-pool (freq x time) -> dropout]
       frequency pools (2, 3, 4, 4) take 96 mel bins down to 1; time pools (2, 2, 2, 1) take the 130
       frames of a 3 s window down to 17 steps (Choi et al. pool time harder on their 29 s inputs)
    -> (B, T', C) -> 2-layer GRU -> last hidden state (B, gru_hidden)

Choi et al. found the C-RNN beats a CNN of comparable parameter count on tagging.
"""

from __future__ import annotations

import torch
from torch import nn

from ml.models.blocks import ConvBlock2d
from ml.models.net import Backbone
from ml.models.registry import register_architecture

__all__ = ["ConvRecurrentNet"]


class ConvRecurrentNet(Backbone):
    """Backbone: normalised log-mel (B, n_mels, frames) -> features (B, gru_hidden).

    `channels`, `freq_pools` and `time_pools` describe the conv blocks (equal lengths). Pooling rounds
    up, so fewer mel bins still end at one; bins the frequency pools leave over are max-pooled away. A GRU of
    `gru_layers` layers and `gru_hidden` units reads the resulting sequence.
    """

    def __init__(
        self,
        n_mels: int,
        *,
        channels: tuple[int, ...] = (32, 64, 96, 96),
        freq_pools: tuple[int, ...] = (2, 3, 4, 4),
        time_pools: tuple[int, ...] = (2, 2, 2, 1),
        gru_hidden: int = 96,
        gru_layers: int = 2,
        dropout: float = 0.1,
    ) -> None:
        super().__init__()
        if not len(channels) == len(freq_pools) == len(time_pools):
            raise ValueError("channels, freq_pools and time_pools must have the same length")
        blocks: list[nn.Module] = []
        for c_in, c_out, fp, tp in zip((1, *channels[:-1]), channels, freq_pools, time_pools, strict=True):
            blocks += [
                ConvBlock2d(c_in, c_out, (3, 3), (1, 1), activation=nn.ELU),
                nn.MaxPool2d((fp, tp), ceil_mode=True),
                nn.Dropout(dropout),
            ]
        self.conv = nn.Sequential(*blocks)
        self.gru = nn.GRU(
            channels[-1],
            gru_hidden,
            num_layers=gru_layers,
            batch_first=True,
            dropout=dropout if gru_layers > 1 else 0,
        )
        self.out_features = gru_hidden

    def forward(self, logmel: torch.Tensor) -> torch.Tensor:
        x = self.conv(logmel.unsqueeze(1)).amax(dim=2)  # (B, C, T'): any frequency bins left are max-pooled
        _, hidden = self.gru(x.transpose(1, 2))
        return hidden[-1]


@register_architecture("crnn")
def build_crnn(n_mels: int, **params) -> ConvRecurrentNet:
    """Registered factory; `params` are `ConvRecurrentNet` keyword arguments (lists become tuples)."""
    return ConvRecurrentNet(n_mels, **{k: tuple(v) if isinstance(v, list) else v for k, v in params.items()})
