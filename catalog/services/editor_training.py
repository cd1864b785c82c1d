"""Fine-tune the current bundle on editors' tags and promote it only if it is not worse.

The run (``manage.py train_from_editors``; docs/editors.md):

1. export the reviewed tracks' editor labels (``catalog.services.training_export``), split by artist; the
   held-out (test) artists' labels are editors' verdicts only, never predictions accepted at review;
2. check, before any training, that the held-out sets can judge a candidate
   (``catalog.services.promotion_gate.check_ready``): the editors' test split, and the base corpus' test
   split when a corpus manifest is given, each large enough, and every gate metric (mood, genre, speech,
   valence/arousal, retrieval) measurable on at least one of them;
3. score the **base** bundle on the held-out sets;
4. fine-tune from the base bundle's weights (``ml.training`` with ``TrainConfig.init_from``: same
   architecture, audio contract and label order) on the editors' train split, mixed with the base corpus'
   train and val clips, so the model does not forget what the corpus taught it; early stopping watches
   the val split;
5. score the **candidate** on the same held-out sets and let the gate decide
   (``catalog.services.promotion_gate.judge``: no figure worse beyond ``tolerance``, each reported with a
   bootstrap interval; a run that diverged to non-finite outputs is refused too);
6. promote: copy the candidate to ``<bundles root>/<new version>``, point the default at it
   (``ml.inference.point_default_at``), so workers analyse with it from their next track, and queue the
   re-analysis of every track not analysed by it. Until a track is re-analysed its embedding stays in the
   old version's space, and similarity search compares only embeddings of one model version
   (``recommender.services.similarity``). A refused candidate stays in the work folder.

The new version is the base's with a fine-tune counter: moodmix-v1 -> moodmix-v1-ft1 -> moodmix-v1-ft2.
"""

from __future__ import annotations

import logging
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from catalog.services.promotion_gate import (
    Decision,
    GateCannotJudge,
    GateOptions,
    HeldOutSet,
    Outputs,
    check_ready,
    judge,
)
from catalog.services.reanalysis import outdated_tracks, queue_reanalysis
from catalog.services.training_export import DEFAULT_FRACTIONS, ExportReport, export_training_manifest
from ml.evaluation.bundle import evaluate_predictions
from ml.inference import ModelBundle, bundles_root, point_default_at
from ml.training.cache import WaveformCache
from ml.training.config import TrainConfig
from ml.training.labels import LabelSpace
from ml.training.manifest import ManifestEntry, filter_split, read_manifest
from ml.training.trainer import train

__all__ = [
    "FineTuneOptions",
    "FineTuneResult",
    "GateCannotJudge",
    "NotEnoughEditorLabels",
    "fine_tune_from_editors",
    "next_version",
]

logger = logging.getLogger(__name__)

EDITOR_HELD_OUT = "editor tags (test)"
CORPUS_HELD_OUT = "corpus test split"


class NotEnoughEditorLabels(ValueError):
    """The editors' tags cannot support a fine-tune (too few reviewed tracks or artists in a split); the
    message says what is missing. The gate's own refusal before training is ``GateCannotJudge``."""


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
    min_held_out_clips: int = GateOptions.min_clips
    min_held_out_groups: int = GateOptions.min_groups
    bootstrap_rounds: int = GateOptions.rounds
    fractions: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_FRACTIONS))
    base_manifest: Path | None = None
    cache_dir: Path | None = None
    progress: bool = False

    @property
    def gate(self) -> GateOptions:
        return GateOptions(
            tolerance=self.tolerance,
            min_clips=self.min_held_out_clips,
            min_groups=self.min_held_out_groups,
            rounds=self.bootstrap_rounds,
            seed=self.seed,
        )


@dataclass
class FineTuneResult:
    base_version: str
    version: str
    export: ExportReport
    comparison: Decision
    candidate_dir: Path
    held_out_clips: dict[str, int]
    train_clips: dict[str, int]
    promoted_dir: Path | None = None
    reanalysis_queued: int = 0


def next_version(base_version: str, root: Path) -> str:
    """The base's version with its fine-tune counter bumped, skipping names already in ``root``."""
    match = re.fullmatch(r"(.+)-ft(\d+)", base_version)
    stem, number = (match.group(1), int(match.group(2))) if match else (base_version, 0)
    while True:
        number += 1
        candidate = f"{stem}-ft{number}"
        if not (root / candidate).exists():
            return candidate


def fine_tune_from_editors(
    base_dir: Path, work_dir: Path, options: FineTuneOptions, *, promote: bool = True
) -> FineTuneResult:
    """Run the whole procedure of the module docstring; see :class:`FineTuneResult` for what it returns.
    Raises NotEnoughEditorLabels (GateCannotJudge among them) before any training when the editors' tags
    or the held-out sets cannot support the run."""
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
    corpus = read_manifest(options.base_manifest) if options.base_manifest is not None else []
    training = [e for e in editor_entries if e.split != "test"]
    training += [e for e in corpus if e.split in ("train", "val")]
    _check_splits(training)
    labels = LabelSpace(tuple(base.mood_labels), tuple(base.genre_labels))
    sets = [HeldOutSet(EDITOR_HELD_OUT, filter_split(editor_entries, "test"), labels, "artists")]
    if corpus_test := filter_split(corpus, "test"):
        sets.append(HeldOutSet(CORPUS_HELD_OUT, corpus_test, labels))
    check_ready(sets, options.gate)

    cache = WaveformCache(base.contract.sample_rate, options.cache_dir)
    before = [_outputs(base, held_out, cache) for held_out in sets]
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
        comparison=judge(sets, before, None, options.gate),
        candidate_dir=config.out_dir,
        held_out_clips={held_out.name: held_out.size[0] for held_out in sets},
        train_clips={split: len(filter_split(training, split)) for split in ("train", "val")},
    )
    try:
        candidate = train(config, training)
        after = [_outputs(candidate, held_out, cache) for held_out in sets]
        summaries = {
            h.name: (_summary(h, b), _summary(h, a)) for h, b, a in zip(sets, before, after, strict=True)
        }
    except ValueError as exc:
        # A run that diverged (too high a rate, say) ends with non-finite outputs, which the metrics refuse:
        # that candidate is refused like a worse one, with the reason, not a crash of the whole command.
        logger.exception("fine-tune %s failed", version)
        result.comparison = judge(sets, before, None, options.gate, failure=f"the fine-tune failed: {exc}")
        return result
    result.comparison = judge(sets, before, after, options.gate)
    candidate.card_extra["editor_fine_tune"] = {
        "base_version": base.version,
        "held_out": {
            name: {"clips": result.held_out_clips[name], "before": b, "after": a}
            for name, (b, a) in summaries.items()
        },
        "gate": [row.__dict__ | {"change": row.change} for row in result.comparison.rows],
        "decision": {"promote": result.comparison.promote, "reason": result.comparison.reason},
    }
    candidate.save(config.out_dir)  # the card now says how the candidate compared
    if promote and result.comparison.promote:
        result.promoted_dir = _promote(config.out_dir, bundles_root() / version)
        result.reanalysis_queued = len(queue_reanalysis(outdated_tracks(version)).queued)
    return result


def _check_splits(training: list[ManifestEntry]) -> None:
    needs = {
        "train clips": (len(filter_split(training, "train")), 2),
        "val clips": (len(filter_split(training, "val")), 1),
        "train artists or corpus groups": (len({e.group for e in filter_split(training, "train")}), 2),
    }
    short = [f"{what}: {have} (need {need})" for what, (have, need) in needs.items() if have < need]
    if short:
        raise NotEnoughEditorLabels(
            "not enough reviewed, editor-tagged tracks (splits are by artist): " + "; ".join(short)
        )


def _outputs(bundle: ModelBundle, held_out: HeldOutSet, cache: WaveformCache) -> Outputs:
    """The bundle's predictions on a held-out set (whole clips, windowed and pooled as in production)."""
    audio = [np.asarray(cache.get(entry.path)) for entry in held_out.entries]
    predictions = bundle.predict_many(audio, batch_size=64)
    for p in predictions:
        values = [*p.moods.values(), *p.genres.values(), p.speech, p.valence, p.arousal, *p.embedding]
        if not np.isfinite(np.asarray(values, dtype=np.float64)).all():
            raise ValueError("the model's outputs are not finite")
    return Outputs(held_out, predictions)


def _summary(held_out: HeldOutSet, outputs: Outputs) -> dict[str, Any]:
    """The full evaluation dict (``ml.evaluation``) of one bundle on one set, for the model card."""
    return evaluate_predictions(outputs.predictions, held_out.entries, held_out.labels)


def _promote(candidate_dir: Path, target: Path) -> Path:
    """Copy the candidate into the bundles root (a partial folder renamed at the end, so a half-copied
    bundle never has the final name) and point the default at it."""
    partial = target.with_name(f".{target.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    shutil.copytree(candidate_dir, partial)
    partial.rename(target)
    point_default_at(target)
    return target
