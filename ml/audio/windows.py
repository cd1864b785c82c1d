"""Cutting a waveform into the fixed analysis windows the models see (chunk, batch, pool)."""

from __future__ import annotations

import numpy as np

from ml.audio.contract import AudioContract
from ml.audio.errors import AudioError

__all__ = ["MIN_SECONDS", "frame_windows", "window_starts", "windows_at"]

# Below one second a 3 s window would be mostly zero padding: too little music to say anything about.
MIN_SECONDS = 1.0


def window_starts(n_samples: int, contract: AudioContract) -> np.ndarray:
    """Start sample of each window for a signal of `n_samples` samples (int64, increasing).

    Windows start every `contract.hop_samples`; when the last regular window stops short of the end, one
    more window is aligned to the end, so the windows always cover the whole signal with real audio.
    A signal shorter than one window gets a single window at 0 (zero-padded by `frame_windows`).
    Raises AudioError("too_short") below `MIN_SECONDS`.
    """
    if n_samples < MIN_SECONDS * contract.sample_rate:
        raise AudioError(
            "too_short",
            f"the audio lasts {n_samples / contract.sample_rate:.2f} s; at least {MIN_SECONDS:g} s is needed",
        )
    size = contract.window_samples
    if n_samples <= size:
        return np.zeros(1, dtype=np.int64)
    starts = np.arange(0, n_samples - size + 1, contract.hop_samples, dtype=np.int64)
    if starts[-1] + size < n_samples:
        starts = np.append(starts, n_samples - size)
    return starts


def frame_windows(wave: np.ndarray, contract: AudioContract) -> np.ndarray:
    """Windows of a 1-D waveform as a float32 array of shape (n_windows, contract.window_samples), at the
    starts given by `window_starts`. A signal shorter than one window (but at least `MIN_SECONDS`) is
    zero-padded at the end; shorter than that raises AudioError("too_short")."""
    wave = _mono(wave)
    return windows_at(wave, window_starts(wave.size, contract), contract)


def windows_at(wave: np.ndarray, starts: np.ndarray, contract: AudioContract) -> np.ndarray:
    """The windows of `wave` beginning at the given `starts` (float32, (len(starts), window_samples)).

    A wave shorter than one window is zero-padded at the end first; a start whose window would run
    past the end raises IndexError. Lets a caller gather a batch of windows from a long track without
    materialising all of them (`frame_windows` is this with every `window_starts` start)."""
    wave = _mono(wave)
    size = contract.window_samples
    if wave.size < size:
        wave = np.pad(wave, (0, size - wave.size))
    # Fancy indexing a strided view copies only the chosen windows.
    return np.lib.stride_tricks.sliding_window_view(wave, size)[np.asarray(starts, dtype=np.int64)]


def _mono(wave: np.ndarray) -> np.ndarray:
    wave = np.asarray(wave, dtype=np.float32)
    if wave.ndim != 1:
        raise ValueError(f"expected a 1-D mono waveform, got shape {wave.shape}")
    return wave
