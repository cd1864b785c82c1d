"""Small building blocks shared by the backbones."""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["ConvBlock2d", "ResidualBlock1d", "mean_max_pool"]


class ConvBlock2d(nn.Sequential):
    """Conv2d (no bias: BatchNorm follows) -> BatchNorm2d -> activation."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel: tuple[int, int],
        padding: tuple[int, int] = (0, 0),
        activation: type[nn.Module] = nn.ReLU,
    ) -> None:
        super().__init__(
            nn.Conv2d(in_channels, out_channels, kernel, padding=padding, bias=False),
            nn.BatchNorm2d(out_channels),
            activation(),
        )


class ResidualBlock1d(nn.Module):
    """x + ReLU(BN(Conv1d(x))) over time, length-preserving (odd kernel). The identity path keeps
    shallow features available to the pooling, as in the musicnn mid-end (Pons et al. 2018)."""

    def __init__(self, channels: int, kernel: int) -> None:
        super().__init__()
        if kernel % 2 == 0:
            raise ValueError(f"kernel must be odd to preserve length, got {kernel}")
        self.body = nn.Sequential(
            nn.Conv1d(channels, channels, kernel, padding=kernel // 2, bias=False),
            nn.BatchNorm1d(channels),
            nn.ReLU(),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


def mean_max_pool(x: torch.Tensor) -> torch.Tensor:
    """(B, C, T) -> (B, 2C): mean and max over time, concatenated (global temporal pooling)."""
    return torch.cat([x.mean(dim=-1), x.amax(dim=-1)], dim=-1)
