"""Training losses: masked per-head losses and a triplet loss with online mining.

Masks carry "unknown": a clip whose moods are null in the manifest contributes nothing to the mood
loss, yet still trains the heads whose labels it has. Each masked loss is the mean over the known
entries only, and exactly zero (still differentiable, so the graph stays whole) when nothing in the
batch is known.

The triplet loss follows FaceNet (Schroff, Kalenichenko and Philbin, "FaceNet: A unified embedding
for face recognition and clustering", CVPR 2015: semi-hard negatives) and Hermans, Beyer and Leibe
("In defense of the triplet loss for person re-identification", 2017: batch-hard mining over P x K
batches). Positives share a group id; distances are Euclidean between L2-normalised embeddings, so
they lie in [0, 2] and the margin is on that scale.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import Tensor

__all__ = [
    "masked_bce",
    "masked_regression",
    "triplet_loss",
    "register_miner",
    "available_miners",
    "pairwise_distances",
    "TripletStats",
    "MultiTaskLoss",
]


def _masked_mean(values: Tensor, mask: Tensor) -> Tensor:
    mask = mask.to(values.dtype)
    # Dividing by at least 1 makes "nothing known" an exact, differentiable zero rather than NaN.
    return (values * mask).sum() / mask.sum().clamp_min(1.0)


def masked_bce(logits: Tensor, targets: Tensor, mask: Tensor, *, pos_weight: float = 1.0) -> Tensor:
    """Binary cross-entropy with logits, averaged over known entries.

    `logits` and `targets` are (B, L) for multi-label heads or (B,) for a binary head; `mask` is (B,)
    (whole clip known or not) or the shape of `logits` (per label). Masked entries contribute nothing.
    `pos_weight` scales the positive term (torch's ``pos_weight``): above 1 it counters labels that are
    rare in every batch, which otherwise learn their prior first and stay under-confident.
    """
    weight = None if pos_weight == 1.0 else torch.tensor(pos_weight, dtype=logits.dtype, device=logits.device)
    per_entry = F.binary_cross_entropy_with_logits(
        logits, targets.to(logits.dtype), reduction="none", pos_weight=weight
    )
    if mask.dim() < per_entry.dim():
        mask = mask.reshape(mask.shape + (1,) * (per_entry.dim() - mask.dim())).expand_as(per_entry)
    return _masked_mean(per_entry, mask)


def masked_regression(
    predictions: Tensor, targets: Tensor, mask: Tensor, *, kind: str = "smooth_l1"
) -> Tensor:
    """Regression loss for (B, D) predictions (valence/arousal), averaged over known clips and dims.

    `kind` is "smooth_l1" (Huber with beta 1; robust to the coarse, noisy VA labels) or "mse".
    """
    losses = {"smooth_l1": F.smooth_l1_loss, "mse": F.mse_loss}
    if kind not in losses:
        raise ValueError(f"unknown regression loss {kind!r}; expected one of {sorted(losses)}")
    per_entry = losses[kind](predictions, targets.to(predictions.dtype), reduction="none")
    return _masked_mean(per_entry, mask.reshape(-1, 1).expand_as(per_entry))


def pairwise_distances(embeddings: Tensor) -> Tensor:
    """(B, B) Euclidean distances; the epsilon keeps the gradient finite at zero distance."""
    squared = (embeddings.unsqueeze(1) - embeddings.unsqueeze(0)).pow(2).sum(-1)
    return (squared + 1e-12).sqrt()


@dataclass
class TripletStats:
    """What the miner saw: `anchors` with a positive and a negative in the batch, `active` triplets
    with a positive loss (zero means every mined triplet already satisfies the margin)."""

    anchors: int = 0
    active: int = 0
    extra: dict[str, float] = field(default_factory=dict)


Miner = Callable[[Tensor, Tensor, Tensor, float], tuple[Tensor, TripletStats]]
_MINERS: dict[str, Miner] = {}


def register_miner(name: str) -> Callable[[Miner], Miner]:
    """Register ``miner(distances, same_group, valid_anchor, margin) -> (loss, stats)``."""

    def decorator(miner: Miner) -> Miner:
        _MINERS[name] = miner
        return miner

    return decorator


def available_miners() -> list[str]:
    return sorted(_MINERS)


def triplet_loss(
    embeddings: Tensor, groups: Tensor, *, margin: float = 0.2, mining: str = "batch_hard"
) -> tuple[Tensor, TripletStats]:
    """Triplet loss ``mean(relu(d(a, p) - d(a, n) + margin))`` over triplets mined in the batch.

    `embeddings` (B, D) must be L2-normalised (the model's "embedding" head is); `groups` (B,) integer
    ids, equal ids are positives. Anchors without a positive or a negative in the batch are skipped;
    a batch with no usable anchor gives an exact zero. `mining`: "batch_hard" or "semi_hard".
    """
    if mining not in _MINERS:
        raise KeyError(f"unknown triplet mining {mining!r}; available: {available_miners()}")
    distances = pairwise_distances(embeddings)
    same = groups.unsqueeze(0) == groups.unsqueeze(1)
    eye = torch.eye(len(groups), dtype=torch.bool, device=groups.device)
    positives = same & ~eye
    valid_anchor = positives.any(1) & (~same).any(1)
    if not bool(valid_anchor.any()):
        return embeddings.sum() * 0.0, TripletStats()
    return _MINERS[mining](distances, same, valid_anchor, margin)


@register_miner("batch_hard")
def _batch_hard(
    distances: Tensor, same: Tensor, valid_anchor: Tensor, margin: float
) -> tuple[Tensor, TripletStats]:
    """Per anchor: the farthest positive against the nearest negative (Hermans et al. 2017)."""
    eye = torch.eye(len(same), dtype=torch.bool, device=same.device)
    hardest_positive = distances.masked_fill(~(same & ~eye), float("-inf")).amax(1)
    hardest_negative = distances.masked_fill(same, float("inf")).amin(1)
    per_anchor = F.relu(hardest_positive - hardest_negative + margin)[valid_anchor]
    stats = TripletStats(anchors=int(valid_anchor.sum()), active=int((per_anchor > 0).sum()))
    return per_anchor.mean(), stats


@register_miner("semi_hard")
def _semi_hard(
    distances: Tensor, same: Tensor, valid_anchor: Tensor, margin: float
) -> tuple[Tensor, TripletStats]:
    """Per anchor-positive pair: the nearest negative farther than the positive (Schroff et al. 2015);
    when no negative is farther, the farthest negative (as TensorFlow Addons' semi-hard loss does)."""
    eye = torch.eye(len(same), dtype=torch.bool, device=same.device)
    pairs = same & ~eye & valid_anchor.unsqueeze(1)
    d_ap = distances.unsqueeze(2)  # (anchor, positive, 1)
    d_an = distances.unsqueeze(1)  # (anchor, 1, negative)
    negative = ~same.unsqueeze(1)
    farther = negative & (d_an > d_ap)
    semi_hard = d_an.masked_fill(~farther, float("inf")).amin(2)
    easiest = d_an.masked_fill(~negative, float("-inf")).amax(2)
    chosen = torch.where(farther.any(2), semi_hard, easiest)
    per_pair = F.relu(distances - chosen + margin)[pairs]
    stats = TripletStats(anchors=int(valid_anchor.sum()), active=int((per_pair > 0).sum()))
    stats.extra["pairs"] = float(pairs.sum())
    return per_pair.mean(), stats


class MultiTaskLoss(torch.nn.Module):
    """Weighted sum of the head losses for one batch of model outputs.

    `weights` maps head -> weight for "mood", "genre", "speech", "va", "mode", "triplet"; a head with
    weight 0 is skipped entirely ("mode" needs a model built with `mode_head`). `mood_pos_weight` weighs
    each mood's positives against its negatives. Batches are dicts of tensors as built by
    `ml.training.dataset.collate`.
    Returns the total and each weighted part (as floats, for the log).
    """

    def __init__(
        self,
        weights: Mapping[str, float],
        *,
        margin: float = 0.2,
        mining: str = "batch_hard",
        mood_pos_weight: float = 1.0,
    ):
        super().__init__()
        unknown = set(weights) - {"mood", "genre", "speech", "va", "mode", "triplet"}
        if unknown:
            raise ValueError(f"unknown loss heads {sorted(unknown)}")
        self.weights = dict(weights)
        self.margin = margin
        self.mining = mining
        self.mood_pos_weight = mood_pos_weight

    def forward(
        self, outputs: Mapping[str, Tensor], batch: Mapping[str, Tensor]
    ) -> tuple[Tensor, dict[str, float]]:
        terms: dict[str, Callable[[], Tensor]] = {
            "mood": lambda: masked_bce(
                outputs["mood"], batch["mood"], batch["mood_known"], pos_weight=self.mood_pos_weight
            ),
            "genre": lambda: masked_bce(outputs["genre"], batch["genre"], batch["genre_known"]),
            "speech": lambda: masked_bce(outputs["speech"], batch["speech"], batch["speech_known"]),
            "va": lambda: masked_regression(outputs["va"], batch["va"], batch["va_known"]),
            "mode": lambda: masked_bce(outputs["mode"], batch["mode"], batch["mode_known"]),
            "triplet": lambda: triplet_loss(
                outputs["embedding"], batch["group"], margin=self.margin, mining=self.mining
            )[0],
        }
        total = outputs["embedding"].sum() * 0.0
        parts: dict[str, float] = {}
        for head, weight in self.weights.items():
            if weight == 0:
                continue
            value = weight * terms[head]()
            parts[head] = float(value.detach())
            total = total + value
        return total, parts
