"""Decode each clip once: waveforms cached as float32 .npy files and read back memory-mapped.

CPU is the scarce resource when training here: decoding FLAC and resampling every epoch would cost
more than the model. The cache stores the decoded mono waveform at the contract's sample rate under
``${MOODMIX_CACHE:-~/.cache/moodmix}/waveforms`` (or a folder you pass), keyed by the file's path,
size, modification time and the sample rate, so an edited or re-rendered file is decoded again.
Reads are memory maps: a random 3 s crop touches only its own pages, and the OS page cache (not
this process) decides what stays in RAM.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from tqdm import tqdm

from ml.audio import load_audio
from ml.training.manifest import ManifestEntry

__all__ = ["WaveformCache", "default_cache_dir"]


def default_cache_dir() -> Path:
    """``$MOODMIX_CACHE/waveforms`` (default ``~/.cache/moodmix/waveforms``)."""
    root = os.environ.get("MOODMIX_CACHE") or Path.home() / ".cache" / "moodmix"
    return Path(root) / "waveforms"


class WaveformCache:
    """Decoded waveforms of audio files at one sample rate, decoded on first use."""

    def __init__(self, sample_rate: int, directory: str | Path | None = None):
        self.sample_rate = sample_rate
        self.directory = Path(directory) if directory is not None else default_cache_dir()
        self._open: dict[Path, np.ndarray] = {}

    def _key_path(self, audio: Path) -> Path:
        stat = audio.stat()
        key = f"{audio.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{self.sample_rate}"
        digest = hashlib.sha1(key.encode()).hexdigest()
        return self.directory / digest[:2] / f"{digest}.npy"

    def get(self, audio: str | Path) -> np.ndarray:
        """The decoded float32 mono waveform (read-only memory map). Raises `ml.audio.AudioError`
        for audio that cannot be decoded."""
        audio = Path(audio)
        if audio in self._open:
            return self._open[audio]
        target = self._key_path(audio)
        if not target.is_file():
            wave = load_audio(audio, sample_rate=self.sample_rate)
            target.parent.mkdir(parents=True, exist_ok=True)
            # Write then rename: a crash (or a parallel worker) never leaves a half-written entry.
            partial = target.with_suffix(f".{os.getpid()}.partial")
            with partial.open("wb") as handle:
                np.save(handle, np.ascontiguousarray(wave, dtype=np.float32))
            os.replace(partial, target)
        wave = np.load(target, mmap_mode="r")
        self._open[audio] = wave
        return wave

    def warm_paths(self, paths: Sequence[str | Path], *, progress: bool = True) -> None:
        """`warm` for bare audio paths (the self-supervised pool)."""
        for path in tqdm(paths, desc="decode pool", unit="track", disable=not progress, leave=False):
            self.get(path)

    def warm(self, entries: Sequence[ManifestEntry], *, progress: bool = True) -> None:
        """Decode every entry not cached yet, with a progress bar, so failures surface before training."""
        for entry in tqdm(entries, desc="decode", unit="clip", disable=not progress, leave=False):
            self.get(entry.path)
