"""Render MIDI to audio with FluidSynth and the FluidR3 General MIDI soundfont, always under a timeout.

FluidSynth 2.3 can keep writing to its output file forever (one render wrote 22 GB); `compose` ends every
part with all-notes-off / all-sound-off, and `render_midi` runs the binary under coreutils `timeout`, caps
the file size it accepts, and trims the result to the requested duration.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pretty_midi
import soundfile as sf

__all__ = ["SOUNDFONT", "RenderError", "fluidsynth_available", "render_midi"]

SOUNDFONT = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
FLUIDSYNTH_GAIN = 0.5  # headroom: dense loud pieces clip at FluidSynth's default gain of 0.2 * 5 voices


class RenderError(RuntimeError):
    """FluidSynth failed, timed out or produced no usable audio."""


def fluidsynth_available() -> bool:
    return shutil.which("fluidsynth") is not None and SOUNDFONT.exists()


def render_midi(
    midi: pretty_midi.PrettyMIDI,
    *,
    sample_rate: int = 22050,
    duration_s: float | None = None,
    timeout_s: float = 60.0,
    fade_s: float = 0.5,
) -> np.ndarray:
    """Render `midi` to mono float32 at `sample_rate`; trim to `duration_s` with a `fade_s` fade-out.

    Raises RenderError if FluidSynth exits non-zero, runs past `timeout_s`, or writes more audio than the
    MIDI file can explain (a runaway render).
    """
    if not fluidsynth_available():
        raise RenderError("fluidsynth or the FluidR3 GM soundfont is not installed")
    # Voices with long releases may ring on after the last event; beyond a minute it is a runaway render.
    max_seconds = midi.get_end_time() + 60.0
    with tempfile.TemporaryDirectory(prefix="moodmix-render-") as tmp:
        mid, wav = Path(tmp) / "piece.mid", Path(tmp) / "piece.wav"
        midi.write(str(mid))
        cmd = [
            "timeout", "-s", "KILL", str(int(timeout_s)),
            "fluidsynth", "-ni", "-q", "-r", str(sample_rate), "-g", str(FLUIDSYNTH_GAIN),
            "-F", str(wav), "-T", "wav", str(SOUNDFONT), str(mid),
        ]  # fmt: skip
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout_s + 5, check=False)
        except subprocess.TimeoutExpired as exc:
            raise RenderError(f"fluidsynth did not finish within {timeout_s:.0f} s") from exc
        if proc.returncode != 0:
            detail = proc.stderr.decode(errors="replace")[-300:]
            raise RenderError(f"fluidsynth exited with {proc.returncode}: {detail}")
        info = sf.info(str(wav))
        if info.duration > max_seconds:
            raise RenderError(
                f"runaway render: {info.duration:.0f} s of audio for {max_seconds:.0f} s of MIDI"
            )
        audio, _ = sf.read(str(wav), dtype="float32", always_2d=True)
    wave = audio.mean(axis=1)
    if duration_s is not None:
        n = int(round(duration_s * sample_rate))
        wave = np.pad(wave[:n], (0, max(0, n - len(wave))))
        k = min(len(wave), int(fade_s * sample_rate))
        if k:
            wave[-k:] *= np.linspace(1.0, 0.0, k, dtype=np.float32)
    if not np.any(wave):
        raise RenderError("fluidsynth rendered silence")
    return wave.astype(np.float32)
