"""Small real audio files generated in code (numpy -> soundfile), optionally tagged with mutagen."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf
from mutagen.flac import FLAC
from mutagen.id3 import TALB, TCON, TIT2, TPE1
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE

__all__ = ["corrupt_tail", "write_audio"]

_ID3_FRAMES = {"title": TIT2, "artist": TPE1, "album": TALB, "genre": TCON}


def write_audio(
    path: Path,
    seconds: float = 3.0,
    *,
    sample_rate: int = 22050,
    channels: int = 1,
    frequency: float = 440.0,
    amplitude: float = 0.5,
    lead_silence_s: float = 0.0,
    tags: dict[str, str] | None = None,
) -> Path:
    """A sine tone (with a little noise, so encoders have real work) in the format of ``path``'s extension
    (wav, flac or ogg), exactly ``round(seconds * sample_rate)`` frames long, tagged with ``tags``.
    The first ``lead_silence_s`` seconds are digital silence (an intro)."""
    frames = round(seconds * sample_rate)
    t = np.arange(frames) / sample_rate
    rng = np.random.default_rng(int(frequency))
    mono = amplitude * np.sin(2 * np.pi * frequency * t) + 0.01 * rng.standard_normal(frames)
    mono[: round(lead_silence_s * sample_rate)] = 0.0
    wave = np.repeat(mono[:, None], channels, axis=1) if channels > 1 else mono
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, wave.astype(np.float32), sample_rate)
    if tags:
        _tag(path, tags)
    return path


def corrupt_tail(path: Path, keep_fraction: float = 0.5, seed: int = 0) -> Path:
    """Overwrite everything after the first ``keep_fraction`` of the file's bytes with random bytes: the
    header and the first seconds still decode, the rest does not (a damaged download or disk)."""
    data = bytearray(path.read_bytes())
    cut = int(len(data) * keep_fraction)
    data[cut:] = np.random.default_rng(seed).integers(0, 256, len(data) - cut, dtype=np.uint8).tobytes()
    path.write_bytes(bytes(data))
    return path


def _tag(path: Path, tags: dict[str, str]) -> None:
    suffix = path.suffix.lower()
    if suffix == ".wav":
        audio = WAVE(path)
        audio.add_tags()
        for key, value in tags.items():
            audio.tags.add(_ID3_FRAMES[key](encoding=3, text=[value]))
    else:
        audio = FLAC(path) if suffix == ".flac" else OggVorbis(path)
        for key, value in tags.items():
            audio[key] = [value]
    audio.save()
