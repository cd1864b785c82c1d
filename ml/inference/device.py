"""Which torch device inference runs on."""

from __future__ import annotations

import os

import torch

__all__ = ["DEVICE_ENV", "select_device"]

DEVICE_ENV = "MOODMIX_DEVICE"


def select_device(device: str | torch.device | None = None) -> torch.device:
    """The device to run on: `device` if given, else the `MOODMIX_DEVICE` environment variable
    (e.g. "cpu", "cuda", "cuda:1"), else CUDA when available, else the CPU.

    Raises ValueError when CUDA is asked for but torch sees no CUDA device, rather than failing later
    inside the first forward pass.
    """
    chosen = torch.device(
        device or os.environ.get(DEVICE_ENV) or ("cuda" if torch.cuda.is_available() else "cpu")
    )
    if chosen.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device {chosen} requested but torch sees no CUDA device")
    return chosen
