"""`manage.py index status|rebuild`: the similarity index file the hot path reads.

``status`` prints where the file is, what it holds (model version, items, trees), its size on disk, its
age, whether queries use it, and how many embeddings the database has beyond it. ``rebuild`` builds a new
file from pgvector in this process, with a progress bar, and publishes it atomically (running web and
worker processes pick it up at their next query); ``--force`` rebuilds even when nothing changed.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from catalog.models import TrackEmbedding
from ml.index.annoy_backend import DEFAULT_N_TREES
from recommender.services.similarity_index import (
    MAX_AGE,
    index_model_version,
    index_root,
    index_store,
    is_fresh,
    rebuild,
)


class Command(BaseCommand):
    help = "Show (status) or rebuild (rebuild) the Annoy similarity index built from pgvector."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("status", help="What the index file holds, its size and age.")
        build = sub.add_parser("rebuild", help="Build a new file from pgvector and publish it.")
        build.add_argument("--force", action="store_true", help="Rebuild even when no embedding changed.")
        build.add_argument(
            "--trees", type=int, default=DEFAULT_N_TREES, help="Annoy trees (default %(default)s)."
        )
        build.add_argument(
            "--model-version", help="Embeddings of this version (default: the current bundle's)."
        )

    def handle(self, *args, **options):
        if options["action"] == "status":
            self.status()
        else:
            self.rebuild(options)

    def status(self) -> None:
        out = self.stdout.write
        manifest = index_store().read_manifest()
        version = index_model_version()
        out(f"index folder:    {index_root()}")
        if manifest is None:
            out(self.style.WARNING("no index file yet: queries use pgvector (run `manage.py index rebuild`)"))
            counts = TrackEmbedding.objects.filter(model_version=version).count() if version else 0
            out(f"database:        {counts} embeddings of {version or '-'}")
            return
        built_for = manifest.metadata.get("model_version")
        now = timezone.now()
        watermark = manifest.metadata.get("watermark")
        in_db = TrackEmbedding.objects.filter(model_version=built_for).count()
        newer = TrackEmbedding.objects.filter(model_version=built_for, embedded_at__gt=watermark).count()
        path = index_store().build_path(manifest.build)
        out(f"build:           {manifest.build} ({manifest.backend}, {path})")
        out(f"model version:   {built_for}" + ("" if built_for == version else f" (current: {version})"))
        out(f"items:           {manifest.items} vectors of {manifest.dimensions} dimensions")
        out(
            f"database:        {in_db} embeddings of {built_for}, "
            f"{newer} newer than the file (merged per query)"
        )
        out(f"parameters:      {manifest.params}")
        out(f"size on disk:    {manifest.disk_bytes / 2**20:.1f} MiB")
        out(
            f"built:           {manifest.built_at} ({_age(now - manifest.built_at_datetime)} ago, "
            f"in {manifest.build_seconds:.1f} s)"
        )
        if manifest.verified_at:
            out(f"verified:        {manifest.verified_at} ({_age(now - manifest.fresh_at)} ago)")
        if built_for != version:
            out(
                self.style.WARNING(
                    "in use:          no, built for another model version: queries use pgvector"
                )
            )
        elif not is_fresh(manifest, now=now):
            out(
                self.style.WARNING(
                    f"in use:          no, stale (older than {_age(MAX_AGE)}): queries use pgvector"
                )
            )
        else:
            out(self.style.SUCCESS("in use:          yes, for unfiltered queries"))

    def rebuild(self, options) -> None:
        bar: tqdm | None = None

        def progress(done: int, total: int) -> None:
            nonlocal bar
            if bar is None:
                bar = tqdm(total=total, unit="vec", desc="reading vectors", file=self.stderr._out)
            bar.update(done - bar.n)

        result = rebuild(
            model_version=options["model_version"],
            force=options["force"],
            n_trees=options["trees"],
            progress=progress,
        )
        if bar is not None:
            bar.close()
        if result.outcome == "skipped" and result.manifest is None:
            raise CommandError(f"nothing built: {result.detail}")
        manifest = result.manifest
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.outcome}: {manifest.build}, {manifest.items} items of "
                f"{manifest.metadata.get('model_version')}, {manifest.disk_bytes / 2**20:.1f} MiB, "
                f"built in {manifest.build_seconds:.1f} s"
            )
            + (f" ({result.detail})" if result.detail else "")
        )


def _age(delta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"
