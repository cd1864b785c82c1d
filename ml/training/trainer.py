"""`train(config, manifest) -> ModelBundle`: the whole training run, from manifest to saved bundle.

The run: read the manifest, decode every clip once into the waveform cache, build the model from the
architecture registry, then epochs of P x K batches (random augmented 3 s crops, log-mel on the
device, multi-task loss), each followed by a validation pass over whole clips. AdamW with a per-step
one-cycle or cosine schedule. After each epoch: a line in ``metrics.jsonl``, ``last.pt`` (everything
needed to resume) and, when the monitored metric improved, ``best.pt``. Early stopping restores the
best weights, which become the bundle, evaluated on val (and test) for its model card.

Fine-tuning (`TrainConfig.init_from`) is the same run started from a saved bundle's weights, with the
bundle's architecture, audio contract and label space, so the new bundle is a drop-in replacement.
"""

from __future__ import annotations

import json
import logging
import platform
import random
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch.utils.data import DataLoader

from ml.audio import AudioContract, LogMel
from ml.evaluation.bundle import evaluate_bundle
from ml.inference import ModelBundle
from ml.models import build_model
from ml.training.augment import build_pipeline
from ml.training.cache import WaveformCache
from ml.training.config import TrainConfig, default_threads, resolve_device, under_prefix
from ml.training.dataset import ClipWindows, TrainCrops, collate_windows
from ml.training.key_fit import fit_key_profiles
from ml.training.labels import LabelSpace
from ml.training.loop import MONITORS, build_scheduler, train_epoch, validate
from ml.training.losses import MultiTaskLoss
from ml.training.manifest import ManifestEntry, filter_split, read_manifest
from ml.training.sampler import GroupBatchSampler
from ml.training.ssl import PackagePairSampler, PoolPairs, PoolPairSampler, collate_pairs
from ml.training.warm_start import warm_start
from ml.training.whitening import fit_track_whitening

__all__ = ["train", "seed_everything", "TrainingTimeout", "group_weights"]


class TrainingTimeout(RuntimeError):
    """The wall-clock guard (`max_minutes` with `max_minutes_fails`) tripped: the run is unfinished.
    `last.pt` holds the last finished epoch, so `--resume` continues it."""


log = logging.getLogger(__name__)


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch (CPU and every CUDA device)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def train(
    config: TrainConfig, manifest: str | Path | Sequence[ManifestEntry], contract: AudioContract | None = None
) -> ModelBundle:
    """Train a model on the manifest's train split, early-stop on val, save and return the bundle.

    `manifest` is a JSONL path or entries already read. Raises ValueError when the train split has
    no mood labels or the manifest has no val split.
    """
    base = ModelBundle.load(config.init_from, device="cpu") if config.init_from else None
    if base is not None:
        if contract is not None and contract != base.contract:
            raise ValueError(f"fine-tuning keeps the audio contract of {config.init_from}; got another one")
        contract = base.contract
    if contract is None and config.pitch_octaves:
        contract = AudioContract(
            pitch_bins_per_octave=config.pitch_bins_per_octave, pitch_octaves=config.pitch_octaves
        )
    previous_threads = torch.get_num_threads()
    try:
        return _train(config, manifest, contract or AudioContract(), base)
    finally:
        # The thread count is process-wide: give the caller (a worker, a test session) its own back.
        torch.set_num_threads(previous_threads)


def _train(
    config: TrainConfig,
    manifest: str | Path | Sequence[ManifestEntry],
    contract: AudioContract,
    base: ModelBundle | None,
) -> ModelBundle:
    entries = read_manifest(manifest) if isinstance(manifest, str | Path) else list(manifest)
    train_entries, val_entries = filter_split(entries, "train"), filter_split(entries, "val")
    if not val_entries:
        raise ValueError("the manifest has no val split: early stopping and the model card need one")
    # A fine-tuned model keeps its heads, so it keeps the label order they were trained with.
    labels = (
        LabelSpace(tuple(base.mood_labels), tuple(base.genre_labels))
        if base is not None
        else LabelSpace.from_entries(train_entries)
    )
    if not labels.moods:
        raise ValueError("no clip in the train split has a mood label")
    if config.monitor not in MONITORS:
        raise KeyError(f"unknown monitor {config.monitor!r}; available: {sorted(MONITORS)}")

    seed_everything(config.seed)
    torch.set_num_threads(config.threads or default_threads())
    device = resolve_device(config.device)
    work_dir = config.work_dir
    work_dir.mkdir(parents=True, exist_ok=True)
    (work_dir / "config.json").write_text(json.dumps(config.to_dict(), indent=2))

    cache = WaveformCache(contract.sample_rate, config.cache_dir)
    cache.warm(entries, progress=config.progress)
    train_set = TrainCrops(
        train_entries, labels, contract, cache, augment=build_pipeline(config.augment, contract.sample_rate)
    )
    sampler = GroupBatchSampler(
        train_set.groups,
        p=config.p_groups,
        k=config.k_clips,
        seed=config.seed,
        batches_per_epoch=config.batches_per_epoch,
        weights=group_weights(train_set.entries, train_set.groups, config.source_weights),
    )
    pin = device.type == "cuda"
    train_loader = DataLoader(
        train_set, batch_sampler=sampler, num_workers=config.num_workers, pin_memory=pin
    )
    val_loader = DataLoader(
        ClipWindows(val_entries, labels, contract, cache),
        batch_size=config.eval_batch_size,
        collate_fn=collate_windows,
        num_workers=config.num_workers,
    )

    if base is not None:
        architecture, arch_params, model = base.architecture, dict(base.arch_params), base.model.train()
    else:
        architecture = config.architecture
        arch_params = {"embedding_dim": config.embedding_dim, **config.arch_params}
        if contract.n_pitch:
            arch_params.update(
                pitch_bins=contract.n_pitch, pitch_bins_per_octave=contract.pitch_bins_per_octave
            )
        if config.whitening != "none":
            arch_params["track_whitening"] = True
        if config.loss_weights.get("mode", 0) > 0:
            arch_params["mode_head"] = True
        model = build_model(
            architecture, n_moods=len(labels.moods), n_genres=len(labels.genres), n_mels=contract.n_features,
            **arch_params,
        )  # fmt: skip
    warm = None
    if config.warm_start is not None and base is None:
        source = ModelBundle.load(config.warm_start, device="cpu")
        same = tuple(source.mood_labels) == labels.moods and tuple(source.genre_labels) == labels.genres
        warm = {"from": source.version, "path": str(config.warm_start), "same_labels": same}
        warm.update(
            warm_start(
                model,
                source.model.state_dict(),
                source_labels={"mood": source.mood_labels, "genre": source.genre_labels},
                target_labels={"mood": labels.moods, "genre": labels.genres},
                fresh=config.fresh,
            )
        )
        log.info("warm start from %s: %s", source.version, warm)
    key_fit = None
    if config.fit_key_profiles and base is None:
        key_fit = fit_key_profiles(model, train_entries, labels, contract, cache, seed=config.seed)
        log.info("key profiles fitted: %s", key_fit)
    ssl_sampler, ssl_loader, pool_paths = None, None, []
    if config.ssl_pool is not None and config.ssl_weight > 0:
        from ml.corpus.pool import read_pool

        pool = [t for t in read_pool(config.ssl_pool) if t.split == "ssl"]
        pool_paths = [t.path for t in pool]
        cache.warm_paths(pool_paths, progress=config.progress)
        durations = [t.duration for t in pool]
        packages = _package_ids(pool) if config.ssl_positives == "package" else None
        ssl_sampler = (
            PoolPairSampler(durations, size=config.ssl_batch, batches=len(sampler), seed=config.seed)
            if packages is None
            else PackagePairSampler(
                durations,
                packages,
                size=config.ssl_batch,
                per_package=config.ssl_per_package,
                batches=len(sampler),
                seed=config.seed,
            )
        )
        ssl_loader = DataLoader(
            PoolPairs(
                pool_paths,
                contract,
                cache,
                build_pipeline(config.ssl_augment, contract.sample_rate),
                groups=packages,
            ),
            batch_sampler=ssl_sampler,
            collate_fn=collate_pairs,
            num_workers=config.num_workers,
            pin_memory=pin,
        )
    model = model.to(device)
    frontend = LogMel(contract).to(device)
    criterion = MultiTaskLoss(
        config.loss_weights,
        margin=config.margin,
        mining=config.mining,
        mood_pos_weight=config.mood_pos_weight,
    )
    trainable = _unfrozen(model, config.freeze)
    groups = _lr_groups(model, trainable, config.lr, config.lr_scale)
    optimizer = torch.optim.AdamW(groups, lr=config.lr, weight_decay=config.weight_decay)
    schedule_epochs = config.schedule_epochs or config.epochs
    scheduler = build_scheduler(config.schedule, optimizer, config.lr, schedule_epochs * len(sampler))
    monitor = MONITORS[config.monitor]

    state = {"epoch": 0, "best": None, "best_epoch": None, "stale": 0, "elapsed_s": 0.0}
    last_path, best_path = work_dir / "last.pt", work_dir / "best.pt"
    if config.resume and last_path.is_file():
        state = _resume(last_path, model, optimizer, scheduler, device)
        log.info("resumed from %s after epoch %d", last_path, state["epoch"])
    else:
        # A fresh run must not inherit an earlier run's log or best weights from the same folder.
        for stale in (last_path, best_path, work_dir / "metrics.jsonl"):
            stale.unlink(missing_ok=True)

    started = time.monotonic() - state["elapsed_s"]
    deadline = started + 60.0 * config.max_minutes if config.max_minutes else None
    stop_reason = "epochs"
    while state["epoch"] < config.epochs:
        if state["stale"] >= config.patience:
            stop_reason = "patience"
            break
        if deadline is not None and time.monotonic() > deadline:
            if config.max_minutes_fails:
                raise TrainingTimeout(_timeout_message(config, state))
            stop_reason = "max_minutes"
            break
        epoch = state["epoch"] + 1
        sampler.set_epoch(epoch)
        if ssl_sampler is not None:
            ssl_sampler.set_epoch(epoch)
        train_stats = train_epoch(
            model,
            frontend,
            train_loader,
            criterion,
            optimizer,
            scheduler,
            device,
            grad_clip=config.grad_clip,
            deadline=deadline,
            description=f"epoch {epoch}/{config.epochs}",
            progress=config.progress,
            ssl_batches=ssl_loader,
            ssl_weight=config.ssl_weight,
            temperature=config.ssl_temperature,
        )
        val_stats = validate(
            model,
            frontend,
            val_loader,
            criterion,
            device,
            labels=(labels.moods, labels.genres),
            progress=config.progress,
        )
        value = val_stats.get(monitor.key)
        improved = monitor.better(value, state["best"])
        state.update(epoch=epoch, elapsed_s=time.monotonic() - started)
        if improved:
            state.update(best=value, best_epoch=epoch, stale=0)
            torch.save(model.state_dict(), best_path)
        else:
            state["stale"] += 1
        record = {"epoch": epoch, "train": train_stats, "val": val_stats, "improved": improved, **state}
        with (work_dir / "metrics.jsonl").open("a") as handle:
            handle.write(json.dumps(record) + "\n")
        _checkpoint(last_path, model, optimizer, scheduler, state)
        log.info(
            "epoch %d: train loss %.4f, val %s %.4f", epoch, train_stats["loss"], monitor.key, value or 0
        )
        if config.progress:
            print(_epoch_line(record, monitor.key), flush=True)
        if train_stats["cut_short"]:
            if config.max_minutes_fails:
                raise TrainingTimeout(_timeout_message(config, state))
            stop_reason = "max_minutes"
            break

    if best_path.is_file():
        model.load_state_dict(torch.load(best_path, map_location=device, weights_only=True))
    model.eval()
    card = _card(config, entries, state, stop_reason, device)
    if warm is not None:
        card["training"]["warm_start"] = warm
    if key_fit is not None:
        card["training"]["key_fit"] = key_fit
    if config.whitening != "none" and base is None:
        card["track_whitening"] = fit_track_whitening(
            model, contract, cache, pool_paths, entries, mode=config.whitening, labels=labels
        )
    if base is not None:
        card["fine_tuned_from"] = {"version": base.version, "path": str(config.init_from)}
    bundle = ModelBundle(
        version=config.version,
        architecture=architecture,
        arch_params=arch_params,
        contract=contract,
        mood_labels=list(labels.moods),
        genre_labels=list(labels.genres),
        metrics={},
        model=model,
        card_extra=card,
    )
    bundle.metrics = _final_metrics(bundle, config, entries, cache)
    bundle.save(config.out_dir)
    return bundle


def group_weights(
    entries: Sequence[ManifestEntry], groups: Sequence[int], source_weights: dict[str, float]
) -> dict[int, float]:
    """Group id -> draw weight for `GroupBatchSampler`: the largest `source_weights` entry among the
    sources of the group's clips (1 for a source not named)."""
    weights: dict[int, float] = {}
    for entry, group in zip(entries, groups, strict=True):
        weights[group] = max(weights.get(group, 0.0), float(source_weights.get(entry.source, 1.0)))
    return weights


def _timeout_message(config: TrainConfig, state: dict) -> str:
    return (
        f"the {config.max_minutes:g}-minute guard tripped after epoch {state['epoch']} of {config.epochs}: "
        f"this machine is slower than the schedule was sized for; continue with --resume "
        f"(checkpoint {config.work_dir / 'last.pt'})"
    )


def _final_metrics(bundle: ModelBundle, config: TrainConfig, entries: Sequence[ManifestEntry], cache) -> dict:
    splits = ("val", "test") if config.evaluate_test else ("val",)
    metrics: dict[str, Any] = {}
    for split in splits:
        chosen = filter_split(entries, split)
        if chosen:
            metrics[split] = evaluate_bundle(bundle, chosen, cache=cache)
    return metrics


def _card(config: TrainConfig, entries: Sequence[ManifestEntry], state: dict, stop: str, device) -> dict:
    """Training facts for the model card: data, run, environment."""
    return {
        "training": {
            "config": config.to_dict(),
            "epochs_run": state["epoch"],
            "best_epoch": state["best_epoch"],
            "monitor": {"name": config.monitor, "best": state["best"]},
            "stopped_by": stop,
            "minutes": round(state["elapsed_s"] / 60.0, 2),
            "device": str(device),
            "torch": torch.__version__,
            "python": platform.python_version(),
        },
        "data": {
            "clips": dict(Counter(e.split for e in entries)),
            "sources": dict(Counter(e.source for e in entries)),
            "groups": len({e.group for e in entries}),
            "pieces": len({e.piece for e in entries}),
            "hours": round(sum(e.duration for e in entries) / 3600.0, 3),
            "licences": sorted({e.licence for e in entries if e.licence}),
        },
    }


def _checkpoint(path: Path, model, optimizer, scheduler, state: dict) -> None:
    partial = path.with_suffix(".partial")
    torch.save(
        {
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "state": state,
            "torch_rng": torch.get_rng_state(),
        },
        partial,
    )
    partial.replace(path)


def _resume(path: Path, model, optimizer, scheduler, device) -> dict:
    saved = torch.load(path, map_location=device, weights_only=False)
    model.load_state_dict(saved["model"])
    optimizer.load_state_dict(saved["optimizer"])
    scheduler.load_state_dict(saved["scheduler"])
    torch.set_rng_state(saved["torch_rng"])
    return saved["state"]


def _epoch_line(record: dict, key: str) -> str:
    val = record["val"]

    def fmt(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.3f}"

    return (
        f"epoch {record['epoch']}: train loss {record['train']['loss']:.4f} "
        f"({record['train']['batches']} batches, {record['train']['seconds']:.0f}s) | "
        f"val loss {val['loss']:.4f}, "
        f"mood AUC {fmt(val['mood_roc_auc'])}, triplet acc {fmt(val['triplet_accuracy'])}, "
        f"P@5 {fmt(val['precision@5'])}{' *' if record['improved'] else ''}"
    )


def _unfrozen(model: torch.nn.Module, frozen: Sequence[str]) -> list[torch.nn.Parameter]:
    """The parameters to train: all but those under the `frozen` name prefixes (e.g. "backbone.mel", to
    teach a new pitch branch and the heads without moving what the mel branch already knows)."""
    trainable = []
    for name, parameter in model.named_parameters():
        keep = under_prefix(name, frozen) is None
        parameter.requires_grad_(keep)
        if keep:
            trainable.append(parameter)
    if frozen and len(trainable) == len(list(model.parameters())):
        raise ValueError(f"--freeze {','.join(frozen)} matches no parameter")
    return trainable


def _lr_groups(
    model: torch.nn.Module, trainable: list[torch.nn.Parameter], lr: float, scale: dict[str, float]
) -> list[dict[str, Any]]:
    """Optimiser groups: parameters under a `scale` name prefix train at `lr` times its factor (a new
    branch whose few weights must move far in a short fine-tuning schedule), the rest at `lr`."""
    if not scale:
        return [{"params": trainable, "lr": lr}]
    keep = {id(p) for p in trainable}
    groups: dict[float, list[torch.nn.Parameter]] = {}
    matched = set()
    for name, parameter in model.named_parameters():
        if id(parameter) not in keep:
            continue
        prefix = under_prefix(name, tuple(scale))
        matched.add(prefix)
        groups.setdefault(scale[prefix] if prefix else 1.0, []).append(parameter)
    if missing := set(scale) - matched:
        raise ValueError(f"--lr-scale {','.join(sorted(missing))} matches no trainable parameter")
    return [{"params": params, "lr": lr * factor} for factor, params in groups.items()]


def _package_ids(pool: list) -> list[int]:
    """An integer id per pool track: its package's (the SSL loss's groups)."""
    ids = {package: i for i, package in enumerate(sorted({t.package for t in pool}))}
    return [ids[t.package] for t in pool]
