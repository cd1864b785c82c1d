"""`TrainConfig`: everything a training run depends on, saved with its checkpoints and model card."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

__all__ = ["TrainConfig", "DEFAULT_LOSS_WEIGHTS", "resolve_device", "under_prefix"]

DEFAULT_LOSS_WEIGHTS = {"mood": 1.0, "genre": 1.0, "speech": 0.5, "va": 0.5, "triplet": 1.0}


@dataclass
class TrainConfig:
    """One training run.

    Batches are `p_groups` x `k_clips` crops (see `GroupBatchSampler`); an epoch is
    `batches_per_epoch` batches (default: about one crop per training clip). `lr` is the peak
    learning rate of the `schedule` ("onecycle" or "cosine", per step). Training stops at `epochs`,
    after `patience` epochs without improving the validation `monitor` (see
    `ml.training.loop.MONITORS`), or when `max_minutes` of wall-clock time are spent (the epoch in
    progress is cut short and still validated). `device` "auto" means CUDA when available.
    `threads` sets `torch.set_num_threads` (default: all cores). Checkpoints and the metrics log go
    to `work_dir` (default ``var/training/<version>``); the bundle goes to `out_dir`.

    moodmix-v2 additions: `pitch_bins_per_octave` x `pitch_octaves` > 0 adds the contract's pitch band and
    the model's pitch branch; `ssl_pool` (a JSON-lines pool from `ml.corpus.pool`) with `ssl_weight` > 0
    adds the NT-Xent loss on `ssl_batch` pairs of crops of real tracks per step (`ml.training.ssl`);
    `ssl_positives` "package" also counts other tracks of the same package (soundtrack) as positives;
    `whitening` ("none", "centre", "whiten" or "auto": chosen on validation) fits the track embedding's
    centring/whitening after training; `max_minutes_fails` makes the wall-clock cap a guard that raises
    (after checkpointing, so `resume` continues) instead of a stopping rule: the schedule is then set
    by `epochs` and `batches_per_epoch` alone, and a slower machine trains the same weights, only later.
    `schedule_epochs` (default `epochs`) sizes the learning-rate schedule, so a run can stop after
    `epochs` of a longer schedule (a truncated cosine) and still be reproduced step for step.
    `warm_start` names a bundle whose weights initialise whatever fits the new model
    (`ml.training.warm_start`: v1's mel backbone and heads under a pitch-aware v2). `source_weights`
    (source -> weight, default 1) tilt the P x K draw of groups: a group weighs what its clips' sources
    weigh (the largest), e.g. ``{"speech": 3}`` puts the speech group in most batches.

    `init_from` names a bundle folder to fine-tune: training starts from its weights and keeps its
    architecture, parameters, audio contract and label space (`architecture`, `arch_params` and
    `embedding_dim` are then taken from the bundle, not from this config).
    """

    out_dir: Path
    work_dir: Path | None = None
    version: str = "moodmix-v1"
    architecture: str = "tf_cnn"
    arch_params: dict[str, Any] = field(default_factory=dict)
    embedding_dim: int = 128
    epochs: int = 30
    p_groups: int = 8
    k_clips: int = 4
    batches_per_epoch: int | None = None
    lr: float = 1e-3
    weight_decay: float = 1e-2
    schedule: str = "onecycle"
    grad_clip: float = 5.0
    loss_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_LOSS_WEIGHTS))
    mood_pos_weight: float = 1.0
    freeze: tuple[str, ...] = ()  # parameter-name prefixes left untrained (e.g. "backbone.mel")
    fresh: tuple[str, ...] = ()  # parameter-name prefixes the warm start leaves at their fresh init
    lr_scale: dict[str, float] = field(default_factory=dict)  # prefix -> lr factor (e.g. "backbone.key": 10)
    fit_key_profiles: bool = False  # fit the key-profile branch to the mode first (ml.training.key_fit)
    margin: float = 0.2
    mining: str = "batch_hard"
    augment: str = "default"
    seed: int = 0
    max_minutes: float | None = None
    patience: int = 5
    monitor: str = "val_loss"
    device: str = "auto"
    threads: int | None = None
    num_workers: int = 0
    eval_batch_size: int = 8  # clips per validation batch (all their windows go through together)
    cache_dir: Path | None = None
    resume: bool = False
    evaluate_test: bool = True
    progress: bool = True
    init_from: Path | None = None
    pitch_bins_per_octave: int = 0
    pitch_octaves: int = 0
    ssl_pool: Path | None = None
    ssl_weight: float = 0.0
    ssl_batch: int = 16
    ssl_temperature: float = 0.1
    ssl_augment: str = "ssl"
    ssl_positives: str = "track"
    ssl_per_package: int = 2  # with package positives: tracks per package in a batch (P x K packages)
    whitening: str = "none"
    max_minutes_fails: bool = False
    warm_start: Path | None = None
    schedule_epochs: int | None = None
    source_weights: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.out_dir = Path(self.out_dir)
        self.init_from = Path(self.init_from) if self.init_from else None
        self.work_dir = Path(self.work_dir) if self.work_dir else Path("var") / "training" / self.version
        self.cache_dir = Path(self.cache_dir) if self.cache_dir else None
        self.ssl_pool = Path(self.ssl_pool) if self.ssl_pool else None
        self.warm_start = Path(self.warm_start) if self.warm_start else None
        if self.ssl_positives not in ("track", "package"):
            raise ValueError(f"ssl_positives must be 'track' or 'package', not {self.ssl_positives!r}")
        if self.whitening not in ("none", "centre", "whiten", "auto"):
            raise ValueError(f"whitening must be none, centre, whiten or auto, got {self.whitening!r}")

    @property
    def batch_size(self) -> int:
        return self.p_groups * self.k_clips

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (paths as strings)."""
        return {
            key: str(value) if isinstance(value, Path) else value
            for key, value in dataclasses.asdict(self).items()
        }


def under_prefix(name: str, prefixes: Sequence[str]) -> str | None:
    """The first of `prefixes` that parameter `name` lies under ("heads.va" covers "heads.va.weight", not
    "heads.valence_from_mode"), or None: how `freeze`, `fresh` and `lr_scale` name parameters."""
    return next((p for p in prefixes if name == p or name.startswith(p + ".")), None)


def resolve_device(name: str) -> torch.device:
    """ "auto" -> CUDA if available else CPU; anything else is passed to `torch.device`."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def default_threads() -> int:
    return os.cpu_count() or 1
