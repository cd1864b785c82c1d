"""Transmission channels, levels and silence gaps applied to a share of BOTH music and speech clips.

The music-vs-speech head must not learn shortcuts: telephony prompts are band-limited to 300-3400 Hz,
speech has pauses and varied levels. So a share of music clips goes through the same channels (telephone,
AM radio, lo-fi and FM-like low-passes), gets silence gaps and random levels, and espeak speech gets the
channels too. `draw_degradation` picks the settings (recorded in the manifest's `meta`) from a seeded
generator, so a resumed build can re-derive them without the audio; `apply_degradation` applies them.
"""

from __future__ import annotations

import numpy as np
from scipy.signal import butter, sosfiltfilt

from ml.corpus.clipio import set_rms_dbfs

__all__ = ["CHANNELS", "band_limit", "insert_gaps", "draw_degradation", "apply_degradation"]

# name -> (high-pass Hz or None, low-pass Hz or None)
CHANNELS: dict[str, tuple[float | None, float | None]] = {
    "telephone": (300.0, 3400.0),
    "am_radio": (100.0, 4500.0),
    "lofi": (None, 5500.0),
    "fm_narrow": (50.0, 8000.0),
}
LEVEL_RANGE_DBFS = (-32.0, -14.0)


def band_limit(wave: np.ndarray, sr: int, low_hz: float | None, high_hz: float | None) -> np.ndarray:
    """Zero-phase 6th-order Butterworth band-/low-/high-pass."""
    if low_hz and high_hz:
        sos = butter(6, [low_hz, high_hz], btype="bandpass", fs=sr, output="sos")
    elif high_hz:
        sos = butter(6, high_hz, btype="lowpass", fs=sr, output="sos")
    elif low_hz:
        sos = butter(6, low_hz, btype="highpass", fs=sr, output="sos")
    else:
        return wave.astype(np.float32)
    return sosfiltfilt(sos, wave).astype(np.float32)


def insert_gaps(
    wave: np.ndarray, sr: int, rng: np.random.Generator, count: int, gap_s: tuple[float, float] = (0.3, 1.5)
) -> np.ndarray:
    """Silence `count` stretches (with 20 ms fades) of `gap_s` seconds at random places."""
    out = wave.copy()
    fade = int(0.02 * sr)
    for _ in range(count):
        n = int(rng.uniform(*gap_s) * sr)
        if n + 2 * fade >= len(out):
            continue
        start = int(rng.integers(0, len(out) - n - 2 * fade))
        out[start : start + fade] *= np.linspace(1, 0, fade, dtype=np.float32)
        out[start + fade : start + fade + n] = 0.0
        out[start + fade + n : start + 2 * fade + n] *= np.linspace(0, 1, fade, dtype=np.float32)
    return out


def draw_degradation(rng: np.random.Generator, *, gaps: bool = True) -> dict[str, object]:
    """Pick a channel, a level in LEVEL_RANGE_DBFS and (if `gaps`) 1-3 silence gaps; recorded in `meta`.

    With 1-3 gaps of 0.3-1.5 s, a degraded 15 s music clip is about 5-25% silence, the range of speech
    clips' pauses, so the share of silent frames alone does not tell speech from music."""
    return {
        "channel": str(rng.choice(list(CHANNELS))),
        "gaps": int(rng.integers(1, 4)) if gaps else 0,
        "level_dbfs": round(float(rng.uniform(*LEVEL_RANGE_DBFS)), 1),
    }


def apply_degradation(
    wave: np.ndarray, sr: int, settings: dict[str, object], rng: np.random.Generator
) -> np.ndarray:
    """Apply settings from `draw_degradation` (`rng` places the gaps)."""
    out = band_limit(wave, sr, *CHANNELS[str(settings["channel"])])
    out = insert_gaps(out, sr, rng, int(settings["gaps"]))
    return set_rms_dbfs(out, float(settings["level_dbfs"]))
