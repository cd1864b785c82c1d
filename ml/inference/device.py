"""Which torch device inference runs on."""

from __future__ import annotations

import os
from functools import cache

import torch

__all__ = ["DEVICE_ENV", "PRECISION_ENV", "autocast_dtype", "cpu_has_bfloat16_units", "select_device"]

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


PRECISION_ENV = "MOODMIX_PRECISION"
_PRECISIONS = {"float32": None, "bfloat16": torch.bfloat16, "float16": torch.float16}


def autocast_dtype(device: torch.device, precision: str | None = None) -> torch.dtype | None:
    """The reduced precision the model's forward pass runs in on `device`, or None for float32.

    `precision` (else `$MOODMIX_PRECISION`, else "auto") is "float32", "bfloat16", "float16" or "auto":
    on CUDA, bfloat16 where the GPU supports it (float16's range is too narrow for unnormalised
    activations), else float16; on the CPU, bfloat16 where the cores have bfloat16 matrix instructions
    (AMX tiles or AVX512-BF16: moodmix-v2's forward pass took 2.3x less CPU time in it on one thread,
    issue 13), float32 elsewhere (without them oneDNN emulates bfloat16, slower than float32). Only the
    network runs in it: the log-mel front end always computes in float32 (mel power reaches 1e5, beyond
    float16's range). tests/ml/test_inference_device.py holds the reduced-precision outputs to the
    float32 ones.
    """
    choice = (precision or os.environ.get(PRECISION_ENV) or "auto").strip().lower()
    if choice == "auto":
        if device.type == "cuda":
            return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return torch.bfloat16 if device.type == "cpu" and cpu_has_bfloat16_units() else None
    if choice not in _PRECISIONS:
        raise ValueError(f"{PRECISION_ENV} must be auto or one of {sorted(_PRECISIONS)}, got {choice!r}")
    return _PRECISIONS[choice]


@cache  # asked on every forward pass; the CPU does not change under a running process
def cpu_has_bfloat16_units() -> bool:
    """Whether this CPU computes bfloat16 natively (AMX tiles or AVX512-BF16), as torch reports it."""
    probes = ("_is_amx_tile_supported", "_is_avx512_bf16_supported")
    # torch.cpu's probes are private API: a torch without them gets float32, never an error.
    return any(getattr(torch.cpu, name, lambda: False)() for name in probes)
