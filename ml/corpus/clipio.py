"""Reading, resampling and atomically writing corpus clips (mono float32, FLAC on disk)."""

from __future__ import annotations

import os
from math import gcd
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

__all__ = ["SAMPLE_RATE", "resample", "read_segment", "write_clip", "rms_dbfs", "set_rms_dbfs"]

SAMPLE_RATE = 22050


def resample(wave: np.ndarray, sr_in: int, sr_out: int = SAMPLE_RATE) -> np.ndarray:
    """Polyphase resampling (no numba warm-up, exact rational ratio)."""
    if sr_in == sr_out:
        return wave.astype(np.float32)
    g = gcd(sr_in, sr_out)
    return resample_poly(wave, sr_out // g, sr_in // g).astype(np.float32)


def read_segment(path: Path, start_s: float = 0.0, duration_s: float | None = None) -> np.ndarray:
    """Decode [start_s, start_s + duration_s) of `path` to mono float32 at SAMPLE_RATE."""
    with sf.SoundFile(str(path)) as f:
        sr = f.samplerate
        # Raw GSM (Asterisk prompts) cannot seek, even to 0, and must be told how much to read.
        if start_s > 0:
            f.seek(int(start_s * sr))
        whole = -1 if f.seekable() else f.frames
        frames = whole if duration_s is None else int(duration_s * sr)
        audio = f.read(frames, dtype="float32", always_2d=True)
    return resample(audio.mean(axis=1), sr)


def write_clip(path: Path, wave: np.ndarray, sample_rate: int = SAMPLE_RATE) -> None:
    """Write a mono 16-bit FLAC via a temporary name, so an interrupted build never leaves a partial clip
    that a resumed build would mistake for finished work. The name is the process's own: two training
    recipes launched together both (re)write the held-out clips, and a shared name let one move the
    other's file away."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.part")
    sf.write(str(tmp), np.clip(wave, -1.0, 1.0), sample_rate, format="FLAC", subtype="PCM_16")
    os.replace(tmp, path)


def rms_dbfs(wave: np.ndarray) -> float:
    return float(20 * np.log10(np.sqrt(np.mean(np.square(wave, dtype=np.float64))) + 1e-12))


def set_rms_dbfs(wave: np.ndarray, target_dbfs: float, peak: float = 0.99) -> np.ndarray:
    """Scale to `target_dbfs` RMS, then down again if that would push the peak over `peak`."""
    gain = 10 ** ((target_dbfs - rms_dbfs(wave)) / 20)
    out = wave * gain
    top = float(np.max(np.abs(out))) if out.size else 0.0
    return (out * (peak / top) if top > peak else out).astype(np.float32)
