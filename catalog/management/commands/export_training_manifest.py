"""``manage.py export_training_manifest OUT_DIR [--val-fraction F] [--test-fraction F] [--seed N]``

Writes the editor-reviewed tracks and their editor tags as a training manifest (``OUT_DIR/manifest.jsonl``
plus ``OUT_DIR/audio/``) in the ``ml.training`` format, split by artist. What is exported and why:
``catalog.services.training_export`` and docs/editors.md. Train on it with ``python -m ml.train`` or let
``manage.py train_from_editors`` fine-tune the current bundle.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalog.services.training_export import DEFAULT_FRACTIONS, export_training_manifest


class Command(BaseCommand):
    help = "Export editor-reviewed tracks and their editor tags as a training manifest (split by artist)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("out_dir", type=Path, help="Folder for manifest.jsonl and the audio it names.")
        parser.add_argument("--val-fraction", type=float, default=DEFAULT_FRACTIONS["val"])
        parser.add_argument("--test-fraction", type=float, default=DEFAULT_FRACTIONS["test"])
        parser.add_argument("--seed", type=int, default=0, help="Changes which artists land in which split.")

    def handle(self, *args, out_dir: Path, val_fraction: float, test_fraction: float, seed: int, **options):
        if not (0 <= val_fraction and 0 <= test_fraction and val_fraction + test_fraction < 1):
            raise CommandError(
                "--val-fraction and --test-fraction must be >= 0 and leave some training share"
            )
        report = export_training_manifest(
            out_dir, fractions={"val": val_fraction, "test": test_fraction}, seed=seed
        )
        for line in report.lines():
            self.stdout.write(line)
        if not report.clips:
            self.stdout.write(
                self.style.WARNING("No reviewed track with editor tags: mark tracks reviewed first.")
            )
