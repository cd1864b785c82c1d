"""P x K batches: P groups, K clips of each, so every anchor has positives for the triplet miner.

Hermans, Beyer and Leibe ("In defense of the triplet loss for person re-identification", 2017)
sample P identities and K images each; here an identity is a manifest "group". Groups are drawn
uniformly, so a large group (all the speech, say) does not drown the small ones; `weights` tilt the draw
towards some groups (moodmix-v2 weights the speech group and the real soundtracks, which are few among
many rendered styles but carry the targets the renders cannot teach). A group with fewer
than K clips is sampled with replacement: two crops of one clip, augmented differently, are still a
fair positive pair.

Each batch element is ``(clip_index, crop_seed)``: the seed fixes the crop and the augmentation of
that draw, so results do not depend on the number of data-loader workers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import numpy as np
from torch.utils.data import Sampler

__all__ = ["GroupBatchSampler"]


class GroupBatchSampler(Sampler[list[tuple[int, int]]]):
    """Yield `batches_per_epoch` batches of ``(clip_index, crop_seed)``, P groups x K clips each.

    `groups[i]` is the group id of clip i. With fewer than P groups, every group is in every batch.
    The default number of batches covers each clip about once per epoch. Call `set_epoch(n)` for a
    different, reproducible draw per epoch. `weights` (group id -> relative weight, default 1) make the
    P groups of a batch a weighted draw without replacement, so a group of weight 3 is in about three
    times as many batches as one of weight 1 (until it is in nearly every batch).
    """

    def __init__(
        self,
        groups: Sequence[int],
        *,
        p: int,
        k: int,
        seed: int = 0,
        batches_per_epoch: int | None = None,
        weights: Mapping[int, float] | None = None,
    ):
        if p < 2 or k < 2:
            raise ValueError("need p >= 2 groups and k >= 2 clips per group for triplets")
        self.members: dict[int, np.ndarray] = {
            int(g): np.flatnonzero(np.asarray(groups) == g) for g in np.unique(groups)
        }
        if len(self.members) < 2:
            raise ValueError("need at least two groups for triplets (negatives)")
        self.p = min(p, len(self.members))
        self.k = k
        self.seed = seed
        self.epoch = 0
        self.batches_per_epoch = batches_per_epoch or max(1, -(-len(groups) // (self.p * k)))
        weights = weights or {}
        if any(float(w) <= 0 for w in weights.values()):
            raise ValueError("group weights must be positive")
        raw = np.array([float(weights.get(g, 1.0)) for g in sorted(self.members)])
        # Uniform weights keep the unweighted draw (and its random stream) exactly as before.
        self.probabilities = None if np.all(raw == raw[0]) else raw / raw.sum()

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __len__(self) -> int:
        return self.batches_per_epoch

    def __iter__(self) -> Iterator[list[tuple[int, int]]]:
        rng = np.random.default_rng([self.seed, self.epoch])
        group_ids = np.array(sorted(self.members))
        for _ in range(self.batches_per_epoch):
            batch: list[tuple[int, int]] = []
            for group in rng.choice(group_ids, size=self.p, replace=False, p=self.probabilities):
                members = self.members[int(group)]
                clips = rng.choice(members, size=self.k, replace=len(members) < self.k)
                batch.extend((int(clip), int(rng.integers(2**31))) for clip in clips)
            yield batch
