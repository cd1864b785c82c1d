"""``manage.py train_from_editors [--bundle DIR] [--base-manifest PATH | --no-base-corpus] [--dry-run] ...``

Fine-tunes the current model bundle on the editors' reviewed tags (mixed with the base corpus, so the
model does not forget it), compares it with the current bundle on held-out artists' editor tags and on
the corpus' test split (mood, genre, speech, valence/arousal, retrieval, with bootstrap intervals),
prints the comparison, and promotes it (a new bundle folder, e.g. moodmix-v1-ft1, the default pointer
moved to it, and the catalogue queued for re-analysis) only when it is not worse on any of them. It
refuses before training when the held-out sets are too small or cannot measure a figure: without the
base corpus, speech and valence/arousal cannot be checked. See ``catalog.services.editor_training``,
``catalog.services.promotion_gate`` and docs/editors.md.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from catalog.services.editor_training import (
    FineTuneOptions,
    GateCannotJudge,
    NotEnoughEditorLabels,
    fine_tune_from_editors,
)
from catalog.services.training_export import DEFAULT_FRACTIONS
from ml.inference import default_bundle_dir
from ml.inference.current import BUNDLE_DIR_ENV


class Command(BaseCommand):
    help = "Fine-tune the current bundle on editor tags; promote it only if held-out figures are not worse."

    def add_arguments(self, parser) -> None:
        defaults = FineTuneOptions()
        parser.add_argument("--bundle", type=Path, help="Base bundle folder (default: the current default).")
        parser.add_argument(
            "--base-manifest",
            type=Path,
            help="Base corpus manifest mixed into training (default: var/corpus/manifest.jsonl if present).",
        )
        parser.add_argument(
            "--no-base-corpus",
            action="store_true",
            help="Train on editor tags only (the gate cannot then check speech or valence/arousal: refused).",
        )
        parser.add_argument("--work-dir", type=Path, help="Export, checkpoints and the candidate.")
        parser.add_argument("--dry-run", action="store_true", help="Compare, but never promote.")
        parser.add_argument("--epochs", type=int, default=defaults.epochs)
        parser.add_argument("--lr", type=float, default=defaults.lr, help="Peak learning rate.")
        parser.add_argument("--p-groups", type=int, default=defaults.p_groups)
        parser.add_argument("--k-clips", type=int, default=defaults.k_clips)
        parser.add_argument("--batches-per-epoch", type=int)
        parser.add_argument("--patience", type=int, default=defaults.patience)
        parser.add_argument("--max-minutes", type=float)
        parser.add_argument("--augment", default=defaults.augment, help="default | light | none")
        parser.add_argument("--seed", type=int, default=defaults.seed)
        parser.add_argument("--threads", type=int, help="torch CPU threads (default: all cores)")
        parser.add_argument("--device", default=defaults.device, help="auto | cpu | cuda")
        parser.add_argument("--cache-dir", type=Path, help="Decoded waveform cache.")
        parser.add_argument(
            "--tolerance", type=float, default=defaults.tolerance, help="Allowed drop of a deciding figure."
        )
        parser.add_argument(
            "--min-held-out-clips",
            type=int,
            default=defaults.min_held_out_clips,
            help="Fewest clips each held-out set must hold for the gate to judge.",
        )
        parser.add_argument(
            "--min-held-out-groups",
            type=int,
            default=defaults.min_held_out_groups,
            help="Fewest artists (editor tags) or groups (corpus) each held-out set must span.",
        )
        parser.add_argument(
            "--bootstrap", type=int, default=defaults.bootstrap_rounds, help="Bootstrap resamples per figure."
        )
        parser.add_argument("--val-fraction", type=float, default=DEFAULT_FRACTIONS["val"])
        parser.add_argument("--test-fraction", type=float, default=DEFAULT_FRACTIONS["test"])

    def handle(self, *args, **opts):
        base_dir = opts["bundle"] or default_bundle_dir()
        if not (base_dir / "card.json").is_file():
            raise CommandError(f"no model bundle in {base_dir}: train one first (make models)")
        options = FineTuneOptions(
            epochs=opts["epochs"],
            lr=opts["lr"],
            p_groups=opts["p_groups"],
            k_clips=opts["k_clips"],
            batches_per_epoch=opts["batches_per_epoch"],
            patience=opts["patience"],
            max_minutes=opts["max_minutes"],
            augment=opts["augment"],
            seed=opts["seed"],
            threads=opts["threads"],
            device=opts["device"],
            tolerance=opts["tolerance"],
            min_held_out_clips=opts["min_held_out_clips"],
            min_held_out_groups=opts["min_held_out_groups"],
            bootstrap_rounds=opts["bootstrap"],
            fractions={"val": opts["val_fraction"], "test": opts["test_fraction"]},
            base_manifest=self._base_manifest(opts),
            cache_dir=opts["cache_dir"],
            progress=opts["verbosity"] > 1,
        )
        work_dir = opts["work_dir"] or Path(settings.VAR_DIR) / "training" / "editors"
        self.stdout.write(
            f"base bundle {base_dir}; corpus: {options.base_manifest or 'none'}; work in {work_dir}"
        )
        try:
            result = fine_tune_from_editors(base_dir, work_dir, options, promote=not opts["dry_run"])
        except (NotEnoughEditorLabels, GateCannotJudge) as exc:
            raise CommandError(f"NOT TRAINED: {exc}") from exc
        for line in result.export.lines():
            self.stdout.write(line)
        held_out = ", ".join(f"{name} {clips}" for name, clips in result.held_out_clips.items())
        self.stdout.write(
            f"fine-tuned {result.base_version} -> {result.version} on {result.train_clips['train']} train / "
            f"{result.train_clips['val']} val clips; held out clips: {held_out}"
        )
        for line in result.comparison.lines():
            self.stdout.write(line)
        self._decision(result, opts["dry_run"])

    def _base_manifest(self, opts) -> Path | None:
        if opts["no_base_corpus"]:
            return None
        if opts["base_manifest"]:
            if not opts["base_manifest"].is_file():
                raise CommandError(f"no manifest at {opts['base_manifest']}")
            return opts["base_manifest"]
        default = Path(settings.VAR_DIR) / "corpus" / "manifest.jsonl"
        return default if default.is_file() else None

    def _decision(self, result, dry_run: bool) -> None:
        verdict = result.comparison
        if result.promoted_dir is not None:
            self.stdout.write(self.style.SUCCESS(f"PROMOTED {result.version} ({verdict.reason})"))
            self.stdout.write(f"the default bundle is now {result.promoted_dir}")
            if os.environ.get(BUNDLE_DIR_ENV):
                self.stdout.write(
                    self.style.WARNING(f"{BUNDLE_DIR_ENV} is set and still pins {os.environ[BUNDLE_DIR_ENV]}")
                )
            self.stdout.write(
                f"queued {result.reanalysis_queued} track(s) for re-analysis with {result.version} "
                "(manage.py reanalyze --outdated shows progress); until a track is re-analysed, "
                "similar tracks are found only among tracks of its own model version"
            )
        elif verdict.promote and dry_run:
            self.stdout.write(f"would promote {result.version} ({verdict.reason}); dry run: nothing changed")
        else:
            self.stdout.write(self.style.WARNING(f"NOT PROMOTED: {verdict.reason}"))
        self.stdout.write(f"candidate bundle: {result.candidate_dir}")
