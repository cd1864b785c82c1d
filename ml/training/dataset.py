"""Datasets over manifest entries: random augmented crops for training, fixed windows for evaluation.

Both return raw waveforms; the log-mel front end (`ml.audio.LogMel`) runs batched on the training
device, which is cheaper than per-clip spectrograms on the CPU and keeps the training and inference
front ends one and the same module.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from torch.utils.data import Dataset, default_collate

from ml.audio import AudioContract, frame_windows
from ml.training.augment import Augmentation, Compose
from ml.training.cache import WaveformCache
from ml.training.labels import LabelSpace, encode_targets, group_ids
from ml.training.manifest import ManifestEntry

__all__ = ["TrainCrops", "ClipWindows", "collate_windows"]


class _EntryDataset(Dataset):
    def __init__(
        self,
        entries: Sequence[ManifestEntry],
        labels: LabelSpace,
        contract: AudioContract,
        cache: WaveformCache,
    ):
        if cache.sample_rate != contract.sample_rate:
            raise ValueError("the waveform cache and the audio contract disagree on the sample rate")
        self.entries = list(entries)
        self.labels = labels
        self.contract = contract
        self.cache = cache
        ids = group_ids(self.entries)
        self.groups = [ids[e.group] for e in self.entries]
        self._targets = [encode_targets(e, labels, g) for e, g in zip(self.entries, self.groups, strict=True)]

    def __len__(self) -> int:
        return len(self.entries)


class TrainCrops(_EntryDataset):
    """Index with ``(clip_index, crop_seed)`` (as `GroupBatchSampler` yields): one random window of
    `contract.window_samples` from the clip, augmented, plus its targets. A clip shorter than a
    window is zero-padded at the end, as `ml.audio.frame_windows` does at inference."""

    def __init__(
        self,
        entries: Sequence[ManifestEntry],
        labels: LabelSpace,
        contract: AudioContract,
        cache: WaveformCache,
        augment: Augmentation | None = None,
    ):
        super().__init__(entries, labels, contract, cache)
        self.augment = augment or Compose(())

    def __getitem__(self, item: tuple[int, int]) -> dict[str, Any]:
        index, seed = item
        rng = np.random.default_rng(seed)
        wave = self.cache.get(self.entries[index].path)
        size = self.contract.window_samples
        if wave.size > size:
            start = int(rng.integers(0, wave.size - size + 1))
            crop = np.array(wave[start : start + size], dtype=np.float32)
        else:
            crop = np.zeros(size, dtype=np.float32)
            crop[: wave.size] = wave
        crop = self.augment(crop, rng)
        return {"wave": torch.from_numpy(np.ascontiguousarray(crop)), **self._targets[index]}


class ClipWindows(_EntryDataset):
    """Index with a clip index: every window of the clip (`ml.audio.frame_windows`, deterministic,
    the windows inference uses) as "windows" (n_windows, window_samples), plus its targets."""

    def __getitem__(self, index: int) -> dict[str, Any]:
        wave = np.asarray(self.cache.get(self.entries[index].path))
        windows = frame_windows(wave, self.contract)
        return {
            "windows": torch.from_numpy(np.ascontiguousarray(windows, dtype=np.float32)),
            **self._targets[index],
            # Real recorded music, scored on its own in validation (`ml.training.loop.real_music_metrics`).
            "real": np.float32(self.entries[index].source == "soundtrack"),
        }


def collate_windows(items: list[dict[str, Any]]) -> dict[str, torch.Tensor]:
    """Stack the clips' windows into one (N_windows, samples) batch; "clip" (N_windows,) maps each
    window to its clip's position in the batch, the targets stay per clip."""
    windows = [item.pop("windows") for item in items]
    batch = default_collate(items)
    batch["windows"] = torch.cat(windows)
    batch["clip"] = torch.repeat_interleave(
        torch.arange(len(windows)), torch.tensor([len(w) for w in windows])
    )
    return batch
