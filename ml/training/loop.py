"""One training epoch and one validation pass; learning-rate schedules and early-stopping monitors."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn
from tqdm import tqdm

from ml.evaluation.regression import va_metrics
from ml.evaluation.retrieval import precision_at_k, spread, triplet_accuracy
from ml.evaluation.tagging import binary_metrics, family_auc, multilabel_auc
from ml.training.losses import MultiTaskLoss
from ml.training.ssl import nt_xent

__all__ = ["SCHEDULES", "MONITORS", "Monitor", "build_scheduler", "train_epoch", "validate", "pool_windows"]

HEADS = ("mood", "genre", "speech", "va", "embedding", "mode")  # "mode" only when the model has it
CLASSIFIERS = ("mood", "genre", "speech", "mode")

SchedulerFactory = Callable[[torch.optim.Optimizer, float, int], torch.optim.lr_scheduler.LRScheduler]

SCHEDULES: dict[str, SchedulerFactory] = {
    # One-cycle: warm up over the first 30 % of steps, anneal to lr/1e4 (Smith and Topin 2017).
    # (Each parameter group peaks at its own lr: `TrainConfig.lr_scale`.)
    "onecycle": lambda opt, lr, steps: torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=[group["lr"] for group in opt.param_groups], total_steps=steps
    ),
    # Cosine annealing from lr to 0 over the run (Loshchilov and Hutter, SGDR, 2017), no restarts.
    "cosine": lambda opt, lr, steps: torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps),
}


def build_scheduler(
    name: str, optimizer: torch.optim.Optimizer, lr: float, total_steps: int
) -> torch.optim.lr_scheduler.LRScheduler:
    """A per-step schedule from `SCHEDULES`."""
    if name not in SCHEDULES:
        raise KeyError(f"unknown schedule {name!r}; available: {sorted(SCHEDULES)}")
    return SCHEDULES[name](optimizer, lr, max(1, total_steps))


@dataclass(frozen=True)
class Monitor:
    """A validation metric early stopping watches: its key in `validate`'s dict and its direction."""

    key: str
    mode: str  # "min" or "max"

    def better(self, value: float | None, best: float | None) -> bool:
        if value is None:
            return False
        if best is None:
            return True
        return value < best if self.mode == "min" else value > best


MONITORS: dict[str, Monitor] = {
    "val_loss": Monitor("loss", "min"),
    "mood_roc_auc": Monitor("mood_roc_auc", "max"),
    "triplet_accuracy": Monitor("triplet_accuracy", "max"),
    # The product's targets at once (`_composite`): mood families, valence, real-soundtrack retrieval.
    "composite": Monitor("composite", "max"),
}


def _to(batch: Mapping[str, Tensor], device: torch.device) -> dict[str, Tensor]:
    return {key: value.to(device, non_blocking=True) for key, value in batch.items()}


def train_epoch(
    model: nn.Module,
    frontend: nn.Module,
    batches: Iterable[Mapping[str, Tensor]],
    criterion: MultiTaskLoss,
    optimizer: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LRScheduler,
    device: torch.device,
    *,
    grad_clip: float,
    deadline: float | None = None,
    description: str = "train",
    progress: bool = True,
    ssl_batches: Iterable[Mapping[str, Tensor]] | None = None,
    ssl_weight: float = 0.0,
    temperature: float = 0.1,
) -> dict:
    """Train over `batches` (dicts with "wave" plus targets). Stops early, after the current batch,
    once `time.monotonic()` passes `deadline`. Returns the mean loss and parts, batch count, seconds,
    final learning rate and whether the epoch was cut short.

    With `ssl_batches` (dicts with "first" and "second": two views of each of N real tracks, see
    `ml.training.ssl`; with "group", tracks of one group are positives too), each step also adds
    `ssl_weight` x NT-Xent of their embeddings. Both batches go through one forward pass, so BatchNorm
    statistics see rendered and real music together."""
    model.train()
    start = time.monotonic()
    sums: dict[str, float] = defaultdict(float)
    count, cut_short = 0, False
    bar = tqdm(batches, desc=description, unit="batch", disable=not progress, leave=False)
    ssl_iter = iter(ssl_batches) if ssl_batches is not None and ssl_weight > 0 else None
    for batch in bar:
        batch = _to(batch, device)
        pair = _to(next(ssl_iter), device) if ssl_iter is not None else None
        waves = batch["wave"] if pair is None else torch.cat([batch["wave"], pair["first"], pair["second"]])
        outputs = model(frontend(waves))
        n = len(batch["wave"])
        loss, parts = criterion({head: value[:n] for head, value in outputs.items()}, batch)
        if pair is not None:
            first, second = outputs["embedding"][n:].chunk(2)
            contrastive = ssl_weight * nt_xent(first, second, temperature, pair.get("group"))
            loss = loss + contrastive
            parts["ssl"] = float(contrastive.detach())
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), grad_clip)
        optimizer.step()
        # OneCycleLR raises past its last step; a resumed or extended run simply holds the final rate.
        if scheduler.last_epoch < getattr(scheduler, "total_steps", float("inf")):
            scheduler.step()
        count += 1
        sums["loss"] += float(loss.detach())
        for head, value in parts.items():
            sums[head] += value
        bar.set_postfix(loss=f"{sums['loss'] / count:.4f}")
        if deadline is not None and time.monotonic() > deadline:
            cut_short = True
            break
    bar.close()
    return {
        **{key: value / max(count, 1) for key, value in sums.items()},
        "batches": count,
        "seconds": time.monotonic() - start,
        "lr": optimizer.param_groups[0]["lr"],
        "cut_short": cut_short,
    }


def pool_windows(outputs: Mapping[str, Tensor], clip: Tensor, n_clips: int) -> dict[str, Tensor]:
    """Pool window outputs per clip as inference does (`ml.inference`): the mean of the window
    probabilities for the classifier heads, the mean valence/arousal, the re-normalised mean embedding.

    Classifier heads are returned as logits of the pooled probabilities, so the validation loss is the
    loss of exactly what inference reports.
    """
    counts = torch.bincount(clip, minlength=n_clips).clamp_min(1).to(outputs["va"].dtype)
    pooled = {}
    for head in (head for head in HEADS if head in outputs):
        value = outputs[head].sigmoid() if head in CLASSIFIERS else outputs[head]
        total = torch.zeros((n_clips, *value.shape[1:]), dtype=value.dtype, device=value.device)
        total.index_add_(0, clip, value)
        pooled[head] = total / counts.reshape(-1, *([1] * (value.dim() - 1)))
    for head in (head for head in CLASSIFIERS if head in pooled):
        pooled[head] = torch.logit(pooled[head], eps=1e-6)
    pooled["embedding"] = F.normalize(pooled["embedding"], dim=-1)
    return pooled


def _centred(vectors: np.ndarray) -> np.ndarray:
    """Rows minus their mean, re-normalised: how the shipped bundle's stored centring acts on a set."""
    centred = vectors - vectors.mean(axis=0, keepdims=True)
    return centred / np.maximum(np.linalg.norm(centred, axis=1, keepdims=True), 1e-12)


def real_music_metrics(embeddings: np.ndarray, groups: np.ndarray) -> dict:
    """Retrieval among real soundtrack clips only (other sources cannot make it look better): raw and
    with the set's mean removed (a proxy of the bundle's stored centring), and the spread."""
    if len(set(groups.tolist())) < 2:
        return {}
    centred = _centred(embeddings)
    return {
        "real_precision@5": precision_at_k(embeddings, groups, 5)["precision"],
        "real_triplet_accuracy": triplet_accuracy(embeddings, groups, n_triplets=1000)["accuracy"],
        "real_spread": spread(embeddings, groups),
        "real_precision@5_centred": precision_at_k(centred, groups, 5)["precision"],
        "real_triplet_accuracy_centred": triplet_accuracy(centred, groups, n_triplets=1000)["accuracy"],
        "real_spread_centred": spread(centred, groups),
    }


def _composite(metrics: Mapping[str, float | None]) -> float | None:
    """The selection score: mood-family ROC-AUC + valence r + real-soundtrack P@5 + real-soundtrack
    triplet accuracy (the last two centred, as shipped). Each part is on a 0-1 scale and each is one
    of issue 12's targets; a missing part makes the whole None (never selected on partial evidence)."""
    keys = ("mood_family_roc_auc", "valence_r", "real_precision@5_centred", "real_triplet_accuracy_centred")
    values = [metrics.get(key) for key in keys]
    if any(value is None for value in values):
        return None
    return float(sum(values))


@torch.no_grad()
def validate(
    model: nn.Module,
    frontend: nn.Module,
    batches: Iterable[Mapping[str, Tensor]],
    criterion: MultiTaskLoss,
    device: torch.device,
    *,
    window_batch: int = 64,
    labels: tuple[tuple[str, ...], tuple[str, ...]],
    progress: bool = True,
) -> dict:
    """Score whole clips as inference does (all windows, pooled per clip), then compute the loss over
    the entire split at once (triplet mining over all clips) and headline metrics.

    `batches` come from `ClipWindows` + `collate_windows`; `labels` is (mood labels, genre labels).
    """
    model.eval()
    finish = getattr(model, "finish_track_embedding", None)
    pooled: dict[str, list[Tensor]] = defaultdict(list)
    targets: dict[str, list[Tensor]] = defaultdict(list)
    for batch in tqdm(batches, desc="validate", unit="batch", disable=not progress, leave=False):
        windows, clip = batch.pop("windows"), batch.pop("clip")
        chunks = [model(frontend(part.to(device))) for part in windows.split(window_batch)]
        outputs = {head: torch.cat([c[head] for c in chunks]) for head in HEADS if head in chunks[0]}
        for head, value in pool_windows(outputs, clip.to(device), int(clip.max()) + 1).items():
            pooled[head].append(finish(value) if head == "embedding" and finish is not None else value)
        for key, value in batch.items():
            targets[key].append(value.to(device))
    outputs = {head: torch.cat(values) for head, values in pooled.items()}
    truth = {key: torch.cat(values) for key, values in targets.items()}
    loss, parts = criterion(outputs, truth)
    return {"loss": float(loss), **parts, **_headline(outputs, truth, labels)}


def _headline(outputs: Mapping[str, Tensor], truth: Mapping[str, Tensor], labels: tuple) -> dict:
    def numpy(tensor: Tensor) -> np.ndarray:
        return tensor.detach().float().cpu().numpy()

    mood_labels, genre_labels = labels
    mood = multilabel_auc(
        numpy(truth["mood"]), numpy(outputs["mood"].sigmoid()), mood_labels, numpy(truth["mood_known"]) > 0
    )
    genre = multilabel_auc(
        numpy(truth["genre"]),
        numpy(outputs["genre"].sigmoid()),
        genre_labels,
        numpy(truth["genre_known"]) > 0,
    )
    speech = binary_metrics(
        numpy(truth["speech"]), numpy(outputs["speech"].sigmoid()), numpy(truth["speech_known"]) > 0
    )
    va = va_metrics(numpy(outputs["va"]), numpy(truth["va"]), numpy(truth["va_known"]) > 0)
    embeddings, groups = numpy(outputs["embedding"]), numpy(truth["group"])
    family = family_auc(
        numpy(truth["mood"]), numpy(outputs["mood"].sigmoid()), mood_labels, numpy(truth["mood_known"]) > 0
    )
    real = numpy(truth["real"]) > 0 if "real" in truth else np.zeros(len(groups), dtype=bool)
    headline = {
        "mood_family_roc_auc": family["roc_auc_macro"],
        "valence_r": va["valence_r"],
        "arousal_r": va["arousal_r"],
        **real_music_metrics(embeddings[real], groups[real]),
    }
    headline["composite"] = _composite(headline)
    if "mode" in outputs:
        mode = binary_metrics(
            numpy(truth["mode"]), numpy(outputs["mode"].sigmoid()), numpy(truth["mode_known"]) > 0
        )
        headline["mode_roc_auc"] = mode["roc_auc"]
    return {
        **headline,
        "mood_roc_auc": mood["roc_auc_macro"],
        "mood_pr_auc": mood["pr_auc_macro"],
        "genre_roc_auc": genre["roc_auc_macro"],
        "speech_accuracy": speech["accuracy"],
        "valence_mae": va["valence_mae"],
        "arousal_mae": va["arousal_mae"],
        "triplet_accuracy": triplet_accuracy(embeddings, groups, n_triplets=1000)["accuracy"],
        "precision@5": precision_at_k(embeddings, groups, 5)["precision"],
    }
