"""``manage.py import_audio PATH... [--owner USER] [--public] [--no-recursive]``

Imports audio files and folders through the same ingest service as the upload page (same checks, same
storage, analysis queued for each accepted track). Tags are read with mutagen, falling back to the file
name. Files already in the catalogue (same bytes) are skipped, and every skip is reported with its reason.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm
from tqdm.contrib.logging import logging_redirect_tqdm

from catalog.choices import RejectionCode, Visibility
from catalog.services.ingest import IngestError, IngestLimits, ingest_file


class Command(BaseCommand):
    help = "Import audio files (or folders of them) into the catalogue; duplicates are skipped."

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="Audio files or folders.")
        parser.add_argument("--owner", help="Username that owns the imported tracks (default: none).")
        parser.add_argument(
            "--public", action="store_true", help="Make the tracks public (default: private)."
        )
        parser.add_argument(
            "--recursive",
            action=argparse.BooleanOptionalAction,
            default=True,
            help="Descend into sub-folders (default: yes).",
        )

    def handle(self, *args, paths: list[Path], owner: str | None, public: bool, recursive: bool, **options):
        user = self._owner(owner)
        visibility = Visibility.PUBLIC if public else Visibility.PRIVATE
        limits = IngestLimits.from_settings()
        files = sorted(set(_audio_candidates(paths, recursive)))
        imported = 0
        skipped: list[tuple[Path, IngestError]] = []
        # Log lines (one per ingested file) are printed above the progress bar instead of through it.
        with logging_redirect_tqdm():
            for path in tqdm(files, desc="Importing", unit="file", disable=options["verbosity"] == 0):
                try:
                    with path.open("rb") as handle:
                        ingest_file(
                            File(handle, name=path.name), owner=user, visibility=visibility, limits=limits
                        )
                except IngestError as exc:
                    skipped.append((path, exc))
                else:
                    imported += 1
        self._summary(imported, skipped, options["verbosity"])

    def _owner(self, username: str | None):
        if username is None:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"no user named {username!r}") from exc

    def _summary(self, imported: int, skipped: list[tuple[Path, IngestError]], verbosity: int) -> None:
        if verbosity >= 1:
            for path, exc in skipped:
                self.stdout.write(f"skipped {path}: {exc.code.label.lower()}: {exc.message}")
        reasons = Counter(exc.code for _, exc in skipped)
        detail = ", ".join(f"{RejectionCode(code).label.lower()} {n}" for code, n in sorted(reasons.items()))
        line = f"Imported {imported}, skipped {len(skipped)}" + (f" ({detail})" if detail else "") + "."
        self.stdout.write(self.style.SUCCESS(line) if imported or not skipped else self.style.WARNING(line))


def _audio_candidates(paths: list[Path], recursive: bool) -> Iterator[Path]:
    """Every file named or found under the folders named; the ingest service decides what is audio."""
    for path in paths:
        if path.is_file():
            yield path.resolve()
        elif path.is_dir():
            found = path.rglob("*") if recursive else path.glob("*")
            yield from (p.resolve() for p in found if p.is_file() and not p.name.startswith("."))
        else:
            raise CommandError(f"{path} does not exist")
