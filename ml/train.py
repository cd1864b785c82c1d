"""Command line: train a Moodmix model, or evaluate a saved bundle.

    python -m ml.train --manifest var/corpus/manifest.jsonl --out ml/bundles/moodmix-v1 \
        --epochs 30 --arch tf_cnn --max-minutes 60 --seed 0
    python -m ml.train evaluate --bundle ml/bundles/moodmix-v1 --manifest var/corpus/manifest.jsonl \
        --split test

`train` is the default subcommand. See docs/ml-training.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from ml.inference.device import PRECISION_ENV
from ml.training.config import DEFAULT_LOSS_WEIGHTS, TrainConfig

__all__ = ["main", "parser"]


def _key_values(text: str) -> dict:
    """'a=1,b=x,c=[3,5]' -> {'a': 1, 'b': 'x', 'c': [3, 5]}: values parsed as JSON when they can be.
    Pairs split at commas that start a new ``key=`` (keys may be dotted parameter prefixes,
    'backbone.key=10'), so JSON lists may hold commas."""
    out = {}
    for pair in filter(None, re.split(r",(?=\s*[A-Za-z_][\w.-]*=)", text)):
        key, _, raw = pair.partition("=")
        try:
            out[key.strip()] = json.loads(raw)
        except json.JSONDecodeError:
            out[key.strip()] = raw
    return out


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(prog="python -m ml.train", description=__doc__.split("\n")[0])
    commands = main_parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="train a model and write its bundle")
    train.add_argument("--manifest", type=Path, required=True, help="JSONL training manifest")
    train.add_argument("--out", type=Path, required=True, help="bundle directory to write")
    train.add_argument(
        "--work-dir", type=Path, help="checkpoints and metrics.jsonl (default var/training/VERSION)"
    )
    train.add_argument("--version", default="moodmix-v1", help="model version written to the bundle")
    train.add_argument("--arch", default="tf_cnn", help="architecture name from the ml.models registry")
    train.add_argument("--arch-params", type=_key_values, default={}, help="e.g. 'channels=32,dropout=0.3'")
    train.add_argument("--embedding-dim", type=int, default=128)
    train.add_argument("--epochs", type=int, default=30)
    train.add_argument("--p-groups", type=int, default=8, help="groups per batch (P)")
    train.add_argument("--k-clips", type=int, default=4, help="clips per group per batch (K)")
    train.add_argument("--batches-per-epoch", type=int, help="default: about one crop per training clip")
    train.add_argument("--lr", type=float, default=1e-3)
    train.add_argument("--weight-decay", type=float, default=1e-2)
    train.add_argument("--schedule", default="onecycle", help="onecycle | cosine")
    train.add_argument(
        "--loss-weights",
        type=_key_values,
        default={},
        help=f"override head weights, e.g. 'va=0,triplet=2' (defaults {DEFAULT_LOSS_WEIGHTS})",
    )
    train.add_argument(
        "--mood-pos-weight", type=float, default=1.0, help="weight of each mood's positives in its BCE"
    )
    train.add_argument(
        "--freeze", default="", help="comma-separated parameter prefixes not to train, e.g. 'backbone.mel'"
    )
    train.add_argument(
        "--fresh",
        default="",
        help="comma-separated parameter prefixes the warm start leaves fresh, e.g. 'heads.va'",
    )
    train.add_argument(
        "--lr-scale", type=_key_values, default={}, help="lr factors by parameter prefix: 'backbone.key=10'"
    )
    train.add_argument(
        "--fit-key-profiles",
        action="store_true",
        help="fit the key-profile branch and mode head to the train split's modes before training",
    )
    train.add_argument("--margin", type=float, default=0.2, help="triplet margin (unit-sphere distance)")
    train.add_argument("--mining", default="batch_hard", help="batch_hard | semi_hard")
    train.add_argument("--augment", default="default", help="augmentation pipeline: default | light | none")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--max-minutes", type=float, help="wall-clock budget for the epochs")
    train.add_argument("--patience", type=int, default=5, help="epochs without improvement before stopping")
    train.add_argument(
        "--monitor", default="val_loss", help="val_loss | mood_roc_auc | triplet_accuracy | composite"
    )
    train.add_argument("--device", default="auto", help="auto | cpu | cuda | cuda:N")
    train.add_argument("--threads", type=int, help="torch CPU threads (default: all cores)")
    train.add_argument("--num-workers", type=int, default=0, help="data-loader worker processes")
    train.add_argument(
        "--cache-dir", type=Path, help="decoded waveform cache (default $MOODMIX_CACHE/waveforms)"
    )
    train.add_argument("--resume", action="store_true", help="continue from WORK_DIR/last.pt")
    train.add_argument(
        "--init-from", type=Path, help="fine-tune: start from this bundle (its architecture and labels)"
    )
    train.add_argument(
        "--no-test-eval", action="store_true", help="do not evaluate the test split for the card"
    )
    train.add_argument("--quiet", action="store_true", help="no progress bars or epoch lines")
    v2 = train.add_argument_group("moodmix-v2: pitch band, self-supervised pool, track whitening, time guard")
    v2.add_argument("--pitch", default="", help="BINS_PER_OCTAVE:OCTAVES pitch band from 65.4 Hz, e.g. 24:5")
    v2.add_argument("--ssl-pool", type=Path, help="pool.jsonl of unlabelled real music (ml.corpus.pool)")
    v2.add_argument("--ssl-weight", type=float, default=0.0, help="weight of the NT-Xent loss")
    v2.add_argument("--ssl-batch", type=int, default=16, help="real tracks (pairs of crops) per step")
    v2.add_argument("--ssl-temperature", type=float, default=0.1)
    v2.add_argument(
        "--ssl-positives",
        choices=("track", "package"),
        default="track",
        help="positives of the contrastive loss: two crops of one track, or any crops of one package",
    )
    v2.add_argument(
        "--ssl-per-package", type=int, default=2, help="with package positives: tracks per package per batch"
    )
    v2.add_argument("--whitening", default="none", help="none | centre | whiten | auto (chosen on val)")
    v2.add_argument(
        "--schedule-epochs",
        type=int,
        help="epochs the LR schedule spans (default --epochs): stop early in it",
    )
    v2.add_argument(
        "--source-weights",
        type=_key_values,
        default={},
        help="P x K group draw weights by clip source, e.g. 'speech=3,soundtrack=2' (default 1 each)",
    )
    v2.add_argument("--warm-start", type=Path, help="initialise what fits from this bundle (e.g. moodmix-v1)")
    v2.add_argument(
        "--max-minutes-fails",
        action="store_true",
        help="the --max-minutes cap raises (resumable) instead of stopping: epochs set the schedule",
    )

    evaluate = commands.add_parser("evaluate", help="evaluate a bundle on a manifest split")
    evaluate.add_argument("--bundle", type=Path, required=True)
    evaluate.add_argument("--manifest", type=Path, required=True)
    evaluate.add_argument("--split", default="test", choices=("train", "val", "test"))
    evaluate.add_argument("--device", help="default: CUDA if available")
    evaluate.add_argument("--batch-size", type=int, default=64, help="windows per forward pass")
    evaluate.add_argument("--k", type=int, default=5, help="k for precision@k, MAP@k and index recall@k")
    evaluate.add_argument("--no-mfcc", action="store_true", help="skip the mean-MFCC retrieval baseline")
    evaluate.add_argument("--json", type=Path, help="also write all metrics to this file")
    evaluate.add_argument(
        "--write-card", action="store_true", help="store the metrics under this split in the bundle's card"
    )
    return main_parser


def _train(args: argparse.Namespace) -> int:
    from ml.training.trainer import train

    config = TrainConfig(
        out_dir=args.out,
        work_dir=args.work_dir,
        version=args.version,
        architecture=args.arch,
        arch_params=args.arch_params,
        embedding_dim=args.embedding_dim,
        epochs=args.epochs,
        p_groups=args.p_groups,
        k_clips=args.k_clips,
        batches_per_epoch=args.batches_per_epoch,
        lr=args.lr,
        weight_decay=args.weight_decay,
        schedule=args.schedule,
        loss_weights={**DEFAULT_LOSS_WEIGHTS, **args.loss_weights},
        mood_pos_weight=args.mood_pos_weight,
        freeze=tuple(prefix for prefix in args.freeze.split(",") if prefix),
        fresh=tuple(prefix for prefix in args.fresh.split(",") if prefix),
        lr_scale={prefix: float(factor) for prefix, factor in args.lr_scale.items()},
        fit_key_profiles=args.fit_key_profiles,
        source_weights={key: float(value) for key, value in args.source_weights.items()},
        margin=args.margin,
        mining=args.mining,
        augment=args.augment,
        seed=args.seed,
        max_minutes=args.max_minutes,
        patience=args.patience,
        monitor=args.monitor,
        device=args.device,
        threads=args.threads,
        num_workers=args.num_workers,
        cache_dir=args.cache_dir,
        resume=args.resume,
        init_from=args.init_from,
        evaluate_test=not args.no_test_eval,
        progress=not args.quiet,
        pitch_bins_per_octave=int(args.pitch.split(":")[0]) if args.pitch else 0,
        pitch_octaves=int(args.pitch.split(":")[1]) if args.pitch else 0,
        ssl_pool=args.ssl_pool,
        ssl_weight=args.ssl_weight,
        ssl_batch=args.ssl_batch,
        ssl_temperature=args.ssl_temperature,
        ssl_positives=args.ssl_positives,
        ssl_per_package=args.ssl_per_package,
        whitening=args.whitening,
        max_minutes_fails=args.max_minutes_fails,
        warm_start=args.warm_start,
        schedule_epochs=args.schedule_epochs,
    )
    from ml.evaluation.report import format_report

    bundle = train(config, args.manifest)
    print(f"wrote {bundle.version} to {config.out_dir}")
    for split, metrics in bundle.metrics.items():
        print(f"\n[{split}]\n{format_report(metrics)}")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from ml.evaluation.bundle import evaluate_bundle
    from ml.evaluation.report import format_report
    from ml.evaluation.targets import assess_targets, format_targets
    from ml.inference import ModelBundle
    from ml.training.manifest import filter_split, read_manifest

    entries = filter_split(read_manifest(args.manifest), args.split)
    if not entries:
        print(f"no clips in split {args.split!r} of {args.manifest}", file=sys.stderr)
        return 2
    bundle = ModelBundle.load(args.bundle, device=args.device)
    metrics = evaluate_bundle(bundle, entries, k=args.k, batch_size=args.batch_size, mfcc=not args.no_mfcc)
    print(f"[{args.split}]\n{format_report(metrics)}")
    if args.json:
        args.json.write_text(json.dumps(metrics, indent=2))
    targets = assess_targets(metrics)
    print(f"\n[targets on {args.split}]\n{format_targets(targets)}")
    if args.write_card:
        bundle.metrics = {**bundle.metrics, args.split: metrics}
        bundle.card_extra = {
            **bundle.card_extra,
            "targets": {**bundle.card_extra.get("targets", {}), args.split: targets},
        }
        bundle.save(args.bundle)
        print(f"metrics for {args.split!r} written to {args.bundle}/card.json")
    return 0


COMMANDS = {"train": _train, "evaluate": _evaluate}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # `train` is the default: `python -m ml.train --manifest ...` works without naming it.
    if not argv or argv[0] not in (*COMMANDS, "-h", "--help"):
        argv.insert(0, "train")
    args = parser().parse_args(argv)
    # Cards hold the float32 network's figures (training's final val and `evaluate`), the same on every
    # machine; a worker's reduced precision (bfloat16 on CUDA and AMX CPUs) is held to float32 by
    # tests/ml/test_inference_device.py.
    os.environ.setdefault(PRECISION_ENV, "float32")
    return COMMANDS[args.command](args)


if __name__ == "__main__":
    raise SystemExit(main())
