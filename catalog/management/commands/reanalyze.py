"""``manage.py reanalyze (--all | --outdated | --stuck | --track ID...) [--dry-run] [--no-wait]``

``--stuck`` runs the stuck-track sweep now (``catalog.services.stuck``, which beat runs every minute):
tracks pending or analysing past their deadline are re-queued, those out of attempts fail.

Queues tracks for analysis again (``catalog.services.reanalysis``): every track, the tracks not analysed
by the current bundle's version, or the given ids. Tracks already pending or analysing are skipped,
except when named with ``--track``. Editor tags survive; each track's old model results stay until its
new analysis commits and replaces them. Unless ``--no-wait``, it then shows a progress bar of finished
tracks (polling the database) and prints how many were analysed and how many failed.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from catalog.bundles import bundle_dir, current_model_version
from catalog.models import Track
from catalog.services.reanalysis import outdated_tracks, progress, queue_reanalysis, versions_of
from catalog.services.stuck import stuck_tracks, sweep_stuck

POLL_INTERVAL_S = 1.0


class Command(BaseCommand):
    help = "Re-queue tracks for analysis (all, outdated by model version, or by id) and follow them."

    def add_arguments(self, parser) -> None:
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--all", action="store_true", help="Every track in the catalogue.")
        scope.add_argument(
            "--outdated",
            action="store_true",
            help="Tracks whose model analysis is missing or from another version than the current bundle.",
        )
        scope.add_argument(
            "--stuck",
            action="store_true",
            help="Tracks pending or analysing past their deadline (the beat sweep, run now).",
        )
        scope.add_argument("--track", type=int, nargs="+", metavar="ID", help="These track ids.")
        parser.add_argument("--dry-run", action="store_true", help="Only report what would be queued.")
        parser.add_argument(
            "--no-wait", action="store_true", help="Queue and exit without following progress."
        )
        parser.add_argument("--timeout", type=float, help="Stop following after this many seconds.")
        parser.add_argument(
            "--batch",
            type=int,
            metavar="N",
            help="Queue batches of N tracks (catalog.analyze_tracks: shared forward passes) instead of "
            "one task per track.",
        )

    def handle(self, *args, **options) -> None:
        if options["stuck"]:
            return self._sweep(options)
        tracks, include_in_flight = self._selection(options)
        total = tracks.count()
        versions = ", ".join(
            f"{version or 'none'}: {n}" for version, n in sorted(versions_of(tracks).items())
        )
        self.stdout.write(
            f"Selected {total} track(s)" + (f" (model versions {versions})" if total else "") + "."
        )
        if options["dry_run"] or not total:
            return
        if options["batch"] is not None and options["batch"] < 1:
            raise CommandError("--batch must be at least 1")
        result = queue_reanalysis(tracks, include_in_flight=include_in_flight, batch_size=options["batch"])
        skipped = (
            f", skipped {result.skipped_in_flight} already pending or analysing"
            if result.skipped_in_flight
            else ""
        )
        self.stdout.write(f"Queued {len(result.queued)}{skipped}.")
        if options["no_wait"] or not result.queued:
            return
        self._follow(result.queued, options["timeout"], options["verbosity"])

    def _sweep(self, options) -> None:
        stuck = list(stuck_tracks().order_by("pk").values_list("pk", flat=True))
        self.stdout.write(f"Selected {len(stuck)} stuck track(s).")
        if options["dry_run"] or not stuck:
            return
        result = sweep_stuck()
        self.stdout.write(f"Queued {len(result.requeued)}, failed {len(result.failed)} out of attempts.")
        if result.requeued and not options["no_wait"]:
            self._follow(result.requeued, options["timeout"], options["verbosity"])

    def _selection(self, options) -> tuple:
        if options["track"]:
            ids = options["track"]
            found = set(Track.objects.filter(pk__in=ids).values_list("pk", flat=True))
            unknown = sorted(set(ids) - found)
            if unknown:
                raise CommandError(f"no track with id {', '.join(map(str, unknown))}")
            return Track.objects.filter(pk__in=ids), True
        if options["outdated"]:
            version = current_model_version()
            if version is None:
                raise CommandError(f"no model bundle in {bundle_dir()}: nothing to compare versions with")
            self.stdout.write(f"Current model version: {version}.")
            return outdated_tracks(version), False
        return Track.objects.all(), False

    def _follow(self, ids: list[int], timeout: float | None, verbosity: int) -> None:
        deadline = None if timeout is None else time.monotonic() + timeout
        state = progress(ids)
        with tqdm(total=state.total, desc="Analysed", unit="track", disable=verbosity == 0) as bar:
            while True:
                bar.update(state.finished - bar.n)
                if state.done or (deadline is not None and time.monotonic() >= deadline):
                    break
                time.sleep(POLL_INTERVAL_S)
                state = progress(ids)
        line = f"Analysed {state.analyzed}, failed {state.failed}, unfinished {state.total - state.finished}."
        if state.failed or not state.done:
            self.stdout.write(self.style.WARNING(line))
        else:
            self.stdout.write(self.style.SUCCESS(line))
