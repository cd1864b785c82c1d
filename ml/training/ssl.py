"""Self-supervised contrastive learning on unlabelled real music (SimCLR / CLMR style).

Two random 3 s crops of one real track, each augmented independently, are a positive pair; the crops of
the other tracks in the batch are its negatives. The loss is NT-Xent (Chen et al. 2020, "A simple
framework for contrastive learning of visual representations", ICML; applied to raw music by
Spijkervet and Burgoyne 2021, "Contrastive learning of musical representations", ISMIR). Its
denominator pushes every embedding away from every other track's: the uniformity term (Wang and Isola
2020, "Understanding contrastive representation learning through alignment and uniformity on the
hypersphere", ICML) that moodmix-v1's embedding lacked, where all real music shared one direction.

The loss is applied to the shipped embedding head itself (not to a projection head thrown away after
training), because the product uses that embedding for similar-track search.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor
from torch.utils.data import Dataset, Sampler

from ml.audio import AudioContract
from ml.training.augment import Augmentation, Compose
from ml.training.cache import WaveformCache

__all__ = ["PackagePairSampler", "PoolPairs", "PoolPairSampler", "nt_xent", "collate_pairs"]


def nt_xent(first: Tensor, second: Tensor, temperature: float = 0.1, groups: Tensor | None = None) -> Tensor:
    """NT-Xent over N positive pairs: (N, D) and (N, D) L2-normalised embeddings, row i of `first` and
    row i of `second` from the same track. Each of the 2N views must pick its partner among the 2N - 1
    others (cross-entropy over cosine similarities / `temperature`); mean over the 2N views.

    `groups` (N,) makes it supervised-contrastive (Khosla et al. 2020, "Supervised contrastive learning",
    NeurIPS, their L_out): every view of a track of the same group (package) is a positive too, and each
    view's loss is the mean of -log softmax over its positives. Without groups, or with every track in a
    group of its own, that is exactly NT-Xent."""
    if first.shape != second.shape or first.shape[0] < 2:
        raise ValueError(f"need two (N >= 2, D) batches of the same shape, got {first.shape}, {second.shape}")
    n = first.shape[0]
    views = torch.cat([first, second])
    self_pair = torch.eye(2 * n, dtype=torch.bool, device=views.device)
    logits = (views @ views.T / temperature).masked_fill(self_pair, float("-inf"))
    track = torch.arange(n, device=views.device).repeat(2)
    label = track if groups is None else groups.to(views.device).repeat(2)
    positive = ((label[:, None] == label[None, :]) | (track[:, None] == track[None, :])) & ~self_pair
    log_prob = logits.log_softmax(dim=1).masked_fill(~positive, 0.0)
    return -(log_prob.sum(1) / positive.sum(1)).mean()


def alignment_uniformity(first: Tensor, second: Tensor) -> dict[str, float]:
    """Wang and Isola's diagnostics: alignment E|f(x) - f(y)|^2 over positives (lower is better) and
    uniformity log E exp(-2 |f(x) - f(y)|^2) over all pairs (lower is more spread)."""
    views = F.normalize(torch.cat([first, second]), dim=-1)
    align = (first - second).pow(2).sum(-1).mean()
    squared = torch.pdist(views).pow(2)
    return {"alignment": float(align), "uniformity": float(squared.mul(-2).exp().mean().log())}


class PoolPairs(Dataset):
    """Index with ``(track_index, seed)``: two independent random crops of the track, augmented, as
    "first" and "second" (each (window_samples,) float32), and with `groups` the track's "group" id."""

    def __init__(
        self,
        paths: Sequence[str | Path],
        contract: AudioContract,
        cache: WaveformCache,
        augment: Augmentation | None = None,
        groups: Sequence[int] | None = None,
    ) -> None:
        self.paths = [Path(p) for p in paths]
        self.groups = None if groups is None else list(groups)
        self.contract = contract
        self.cache = cache
        self.augment = augment or Compose(())

    def __len__(self) -> int:
        return len(self.paths)

    def _crop(self, wave: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        size = self.contract.window_samples
        if wave.size <= size:
            crop = np.zeros(size, dtype=np.float32)
            crop[: wave.size] = wave
        else:
            start = int(rng.integers(0, wave.size - size + 1))
            crop = np.array(wave[start : start + size], dtype=np.float32)
        return np.ascontiguousarray(self.augment(crop, rng), dtype=np.float32)

    def __getitem__(self, item: tuple[int, int]) -> dict[str, Tensor]:
        index, seed = item
        rng = np.random.default_rng(seed)
        wave = self.cache.get(self.paths[index])
        item = {
            "first": torch.from_numpy(self._crop(wave, rng)),
            "second": torch.from_numpy(self._crop(wave, rng)),
        }
        if self.groups is not None:
            item["group"] = torch.tensor(self.groups[index])
        return item


def collate_pairs(items: list[dict[str, Tensor]]) -> dict[str, Tensor]:
    return {key: torch.stack([item[key] for item in items]) for key in items[0]}


class PoolPairSampler(Sampler[list[tuple[int, int]]]):
    """`batches` batches per epoch of `size` distinct tracks each (a track twice in one batch would be
    its own negative), drawn with probability proportional to `weights` (track durations: a 6-minute
    piece offers more distinct crops than a 40 s loop); reproducible per (seed, epoch)."""

    def __init__(self, weights: Sequence[float], *, size: int, batches: int, seed: int = 0) -> None:
        weights = np.asarray(weights, dtype=np.float64)
        if len(weights) < size or size < 2:
            raise ValueError(f"need at least {max(size, 2)} pool tracks for batches of {size}")
        self.p = weights / weights.sum()
        self.size = size
        self.batches = batches
        self.seed = seed
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __len__(self) -> int:
        return self.batches

    def __iter__(self) -> Iterator[list[tuple[int, int]]]:
        rng = np.random.default_rng([self.seed, self.epoch, 1])
        for _ in range(self.batches):
            tracks = rng.choice(len(self.p), size=self.size, replace=False, p=self.p)
            yield [(int(t), int(rng.integers(2**31))) for t in tracks]


class PackagePairSampler(PoolPairSampler):
    """Batches of `size` distinct tracks from `size // per_package` packages, `per_package` tracks each,
    for package positives (supervised contrastive over packages). Drawn by duration, one package's
    hours would fill most batches and every other package would be a negative to it alone; drawing
    packages uniformly (Hermans et al.'s P x K, as for the labelled groups) gives every batch
    positives from several soundtracks and negatives from several others. Within a package, tracks are
    drawn by duration; a package with fewer than `per_package` tracks is never drawn."""

    def __init__(
        self,
        weights: Sequence[float],
        packages: Sequence[int],
        *,
        size: int,
        per_package: int,
        batches: int,
        seed: int = 0,
    ) -> None:
        if len(weights) != len(packages):
            raise ValueError("one package id per track")
        if per_package < 2 or size % per_package:
            raise ValueError(f"batches of {size} do not split into packages of {per_package} (>= 2) tracks")
        weights = np.asarray(weights, dtype=np.float64)
        members = {pkg: np.flatnonzero(np.asarray(packages) == pkg) for pkg in sorted(set(packages))}
        self.members = {pkg: idx for pkg, idx in members.items() if len(idx) >= per_package}
        self.within = {pkg: weights[idx] / weights[idx].sum() for pkg, idx in self.members.items()}
        self.per_package = per_package
        if len(self.members) < size // per_package:
            raise ValueError(
                f"need {size // per_package} packages with >= {per_package} tracks, have {len(self.members)}"
            )
        super().__init__(weights, size=size, batches=batches, seed=seed)

    def __iter__(self) -> Iterator[list[tuple[int, int]]]:
        rng = np.random.default_rng([self.seed, self.epoch, 1])
        keys = list(self.members)
        for _ in range(self.batches):
            chosen = rng.choice(len(keys), size=self.size // self.per_package, replace=False)
            batch = []
            for key in (keys[int(c)] for c in chosen):
                picks = rng.choice(
                    self.members[key], size=self.per_package, replace=False, p=self.within[key]
                )
                batch.extend((int(t), int(rng.integers(2**31))) for t in picks)
            yield batch
