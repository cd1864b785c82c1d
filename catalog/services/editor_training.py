"""Fine-tune the current bundle on editors' tags and promote it only if it is not worse.

The run (``manage.py train_from_editors``; docs/editors.md):

1. export the reviewed tracks' editor labels (``catalog.services.training_export``), split by artist;
2. score the **base** bundle on the held-out (test) artists;
3. fine-tune from the base bundle's weights (``ml.training`` with ``TrainConfig.init_from``: same
   architecture, audio contract and label order) on the editors' train split, mixed with the base corpus'
   train and val clips when a corpus manifest is given, so the model does not forget what the corpus
   taught it; early stopping watches the val split;
4. score the **candidate** on the same held-out artists and compare (:data:`COMPARED`);
5. promote only when no deciding metric got worse (beyond ``tolerance``; a run that diverged to
   non-finite outputs is refused too): copy the candidate to
   ``<bundles root>/<new version>`` and point the default at it (``ml.inference.point_default_at``),
   so workers analyse with it from their next track. A refused candidate stays in the work folder.

The new version is the base's with a fine-tune counter: moodmix-v1 -> moodmix-v1-ft1 -> moodmix-v1-ft2.
"""

from __future__ import annotations

import logging
import math
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from catalog.services.training_export import DEFAULT_FRACTIONS, ExportReport, export_training_manifest
from ml.evaluation.bundle import evaluate_bundle
from ml.inference import ModelBundle, bundles_root, point_default_at
from ml.training.cache import WaveformCache
from ml.training.config import TrainConfig
from ml.training.manifest import ManifestEntry, filter_split, read_manifest
from ml.training.trainer import train

__all__ = [
    "COMPARED",
    "DECIDING",
    "Comparison",
    "FineTuneOptions",
    "FineTuneResult",
    "NotEnoughEditorLabels",
    "compare",
    "fine_tune_from_editors",
    "next_version",
]

logger = logging.getLogger(__name__)

Metric = Callable[[dict], float | None]

COMPARED: dict[str, Metric] = {
    "mood ROC-AUC": lambda m: m["mood"]["roc_auc_macro"],
    "mood PR-AUC": lambda m: m["mood"]["pr_auc_macro"],
    "mood family ROC-AUC": lambda m: m["mood_family"]["roc_auc_macro"],
    "genre ROC-AUC": lambda m: m["genre"]["roc_auc_macro"],
}
"""Held-out figures printed before and after (macro averages over the labels the held-out slice can score)."""
DECIDING = ("mood ROC-AUC", "genre ROC-AUC")
"""The figures a candidate must not be worse on: ranking quality of each head the editors label."""


class NotEnoughEditorLabels(ValueError):
    """The editors' tags cannot support a fine-tune or judge one (too few reviewed tracks, artists or
    scoreable labels in a split); the message says what is missing."""


@dataclass(frozen=True)
class FineTuneOptions:
    """Knobs of one run. Defaults suit a few hundred reviewed tracks on a CPU: a short, gentle fine-tune
    (lower peak rate than training from scratch, so the base's features are adjusted, not rebuilt)."""

    epochs: int = 8
    lr: float = 3e-4
    p_groups: int = 8
    k_clips: int = 4
    batches_per_epoch: int | None = None
    patience: int = 3
    max_minutes: float | None = None
    augment: str = "default"
    seed: int = 0
    threads: int | None = None
    device: str = "auto"
    tolerance: float = 0.0
    fractions: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_FRACTIONS))
    base_manifest: Path | None = None
    cache_dir: Path | None = None
    progress: bool = False


@dataclass(frozen=True)
class Comparison:
    """Before/after held-out figures and the decision."""

    rows: list[tuple[str, float | None, float | None]]
    promote: bool
    reason: str

    def lines(self) -> list[str]:
        def fmt(value: float | None) -> str:
            return "   n/a" if value is None else f"{value:6.3f}"

        out = [f"{'held-out metric':<22} {'before':>6} {'after':>6} {'change':>7}"]
        for name, before, after in self.rows:
            change = "" if before is None or after is None else f"{after - before:+7.3f}"
            mark = " *" if name in DECIDING else ""
            out.append(f"{name + mark:<22} {fmt(before)} {fmt(after)} {change:>7}")
        out.append("(* deciding)")
        return out


@dataclass
class FineTuneResult:
    base_version: str
    version: str
    export: ExportReport
    comparison: Comparison
    candidate_dir: Path
    held_out_clips: int
    train_clips: dict[str, int]
    promoted_dir: Path | None = None


def next_version(base_version: str, root: Path) -> str:
    """The base's version with its fine-tune counter bumped, skipping names already in ``root``."""
    match = re.fullmatch(r"(.+)-ft(\d+)", base_version)
    stem, number = (match.group(1), int(match.group(2))) if match else (base_version, 0)
    while True:
        number += 1
        candidate = f"{stem}-ft{number}"
        if not (root / candidate).exists():
            return candidate


def compare(before: dict, after: dict | None, tolerance: float = 0.0, *, failure: str = "") -> Comparison:
    """Promote when every deciding figure defined on both sides is at least ``before - tolerance``, and at
    least one is defined (otherwise the held-out slice cannot tell, and nothing is promoted). ``after`` is
    None when there is no candidate to judge (not trained yet, or ``failure`` says why)."""
    rows = [
        (name, _finite(metric(before)), None if after is None else _finite(metric(after)))
        for name, metric in COMPARED.items()
    ]
    if after is None:
        return Comparison(rows, False, failure or "no fine-tuned model to compare")
    judged = [(name, b, a) for name, b, a in rows if name in DECIDING and b is not None]
    if not judged:
        return Comparison(rows, False, "the held-out editor tags cannot score the base model on any head")
    unusable = [name for name, _, a in judged if a is None]
    if unusable:
        return Comparison(rows, False, f"the fine-tuned model has no {', '.join(unusable)} on held-out tags")
    worse = [f"{name} {a:.3f} < {b:.3f}" for name, b, a in judged if a < b - tolerance]
    if worse:
        return Comparison(rows, False, "worse on held-out editor tags: " + "; ".join(worse))
    return Comparison(rows, True, "not worse on any deciding held-out figure")


def fine_tune_from_editors(
    base_dir: Path, work_dir: Path, options: FineTuneOptions, *, promote: bool = True
) -> FineTuneResult:
    """Run the whole procedure of the module docstring; see :class:`FineTuneResult` for what it returns.
    Raises NotEnoughEditorLabels before any training when the editors' tags cannot support the run."""
    base = ModelBundle.load(base_dir)
    version = next_version(base.version, bundles_root())
    export = export_training_manifest(
        work_dir / "export", fractions=options.fractions, seed=options.seed, contract=base.contract
    )
    if not export.clips:
        raise NotEnoughEditorLabels(
            "no reviewed track has editor tags (export_training_manifest wrote nothing)"
        )
    editor_entries = read_manifest(export.manifest)
    held_out = filter_split(editor_entries, "test")
    training = [e for e in editor_entries if e.split != "test"] + _corpus_entries(options.base_manifest)
    _check_splits(held_out, training)

    cache = WaveformCache(base.contract.sample_rate, options.cache_dir)
    before = _evaluate(base, held_out, cache)
    config = TrainConfig(
        out_dir=work_dir / "candidate",
        work_dir=work_dir / "run",
        version=version,
        init_from=base_dir,
        epochs=options.epochs,
        lr=options.lr,
        p_groups=options.p_groups,
        k_clips=options.k_clips,
        batches_per_epoch=options.batches_per_epoch,
        patience=options.patience,
        max_minutes=options.max_minutes,
        augment=options.augment,
        seed=options.seed,
        threads=options.threads,
        device=options.device,
        cache_dir=options.cache_dir,
        evaluate_test=False,
        progress=options.progress,
    )
    result = FineTuneResult(
        base_version=base.version,
        version=version,
        export=export,
        comparison=compare(before, None),
        candidate_dir=config.out_dir,
        held_out_clips=len(held_out),
        train_clips={split: len(filter_split(training, split)) for split in ("train", "val")},
    )
    try:
        candidate = train(config, training)
        after = _evaluate(candidate, held_out, cache)
    except ValueError as exc:
        # A run that diverged (too high a rate, say) ends with non-finite outputs, which the metrics refuse:
        # that candidate is refused like a worse one, with the reason, not a crash of the whole command.
        logger.exception("fine-tune %s failed", version)
        result.comparison = compare(before, None, failure=f"the fine-tune failed: {exc}")
        return result
    result.comparison = compare(before, after, options.tolerance)
    candidate.card_extra["editor_fine_tune"] = {
        "base_version": base.version,
        "held_out": {"clips": len(held_out), "before": before, "after": after},
        "decision": {"promote": result.comparison.promote, "reason": result.comparison.reason},
    }
    candidate.save(config.out_dir)  # the card now says how the candidate compared
    if promote and result.comparison.promote:
        result.promoted_dir = _promote(config.out_dir, bundles_root() / version)
    return result


def _corpus_entries(manifest: Path | None) -> list[ManifestEntry]:
    """The base corpus' train and val clips (its test split is not needed here), or none."""
    if manifest is None:
        return []
    return [e for e in read_manifest(manifest) if e.split in ("train", "val")]


def _check_splits(held_out: list[ManifestEntry], training: list[ManifestEntry]) -> None:
    needs = {
        "held-out (test) clips": (len(held_out), 2),
        "train clips": (len(filter_split(training, "train")), 2),
        "val clips": (len(filter_split(training, "val")), 1),
        "train artists or corpus groups": (len({e.group for e in filter_split(training, "train")}), 2),
    }
    short = [f"{what}: {have} (need {need})" for what, (have, need) in needs.items() if have < need]
    if short:
        raise NotEnoughEditorLabels(
            "not enough reviewed, editor-tagged tracks (splits are by artist): " + "; ".join(short)
        )


def _evaluate(bundle: ModelBundle, entries: list[ManifestEntry], cache: WaveformCache) -> dict[str, Any]:
    return evaluate_bundle(bundle, entries, cache=cache, mfcc=False)


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _promote(candidate_dir: Path, target: Path) -> Path:
    """Copy the candidate into the bundles root (a partial folder renamed at the end, so a half-copied
    bundle never has the final name) and point the default at it."""
    partial = target.with_name(f".{target.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    shutil.copytree(candidate_dir, partial)
    partial.rename(target)
    point_default_at(target)
    return target
