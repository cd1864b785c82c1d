"""The catalogue's Annoy file: built from pgvector, published atomically, followed by every process.

pgvector is the source of truth; the Annoy build is a read-only copy of one model version's embeddings,
answering unfiltered "sounds like" queries from memory-mapped pages shared by every process on the host.

- :func:`rebuild` reads the embeddings in one REPEATABLE READ snapshot (streamed through a server-side
  cursor), builds into a new folder and publishes it (``ml.index.IndexStore``: ``os.replace`` of the
  ``CURRENT`` pointer). It skips the build when the source has not changed since the build in service,
  only marking that build verified. A transaction-level advisory lock keeps two rebuilds from racing.
- The manifest records a *watermark*: the snapshot time minus ``WATERMARK_MARGIN``. Rows embedded after
  it may be missing from the file (or hold an old vector), so queries read them from pgvector and merge;
  the margin covers analyses whose row was written before the snapshot but committed after it.
- :func:`request_rebuild` debounces: the first embedding change creates a marker file and queues
  ``catalog.rebuild_index`` ``DEBOUNCE_S`` later; changes until that task starts add nothing.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from catalog.models import TrackEmbedding
from catalog.models.analysis import EMBEDDING_DIMENSIONS
from ml.index import IndexManifest, IndexStore, build_index
from ml.index.annoy_backend import DEFAULT_N_TREES

__all__ = [
    "DEBOUNCE_S",
    "MAX_AGE",
    "RebuildResult",
    "index_model_version",
    "index_root",
    "index_store",
    "rebuild",
    "request_rebuild",
    "source_signature",
]

logger = logging.getLogger(__name__)

BACKEND = "annoy"
MAX_AGE = timedelta(hours=6)
"""A build not rebuilt nor verified for this long is stale: the rebuild schedule (every 30 minutes) has
stopped, and the rows newer than it, merged from pgvector per query, could be many. Queries then go to
pgvector until a rebuild succeeds."""
WATERMARK_MARGIN = timedelta(minutes=10)
"""Longer than any transaction that writes an embedding (an analysis' final write takes milliseconds)."""
DEBOUNCE_S = 60
"""Analyses arrive in bursts (an import of an album, a re-analysis of the catalogue): one rebuild a
minute after the first of them serves the whole burst; pgvector answers for the newest rows meanwhile."""
MARKER = "REBUILD_REQUESTED"
_ADVISORY_LOCK = 0x6D6F6F64  # "mood": one rebuild at a time across all workers

_stores: dict[Path, IndexStore] = {}


def index_root() -> Path:
    """``MOODMIX["SIMILARITY_INDEX_DIR"]``, else ``$MOODMIX_SIMILARITY_INDEX_DIR``, else
    ``var/index/tracks`` (git-ignored). Web and worker processes must see the same folder."""
    configured = settings.MOODMIX.get("SIMILARITY_INDEX_DIR") or os.environ.get(
        "MOODMIX_SIMILARITY_INDEX_DIR"
    )
    return Path(configured) if configured else Path(settings.VAR_DIR) / "index" / "tracks"


def index_store() -> IndexStore:
    """This process' store for :func:`index_root` (one cached open build per process)."""
    root = index_root()
    if root not in _stores:
        _stores[root] = IndexStore(root)
    return _stores[root]


def index_model_version() -> str | None:
    """The model version the file is built for: the current bundle's, else the most common stored one."""
    from catalog.bundles import current_model_version

    version = current_model_version()
    if version and TrackEmbedding.objects.filter(model_version=version).exists():
        return version
    top = (
        TrackEmbedding.objects.values("model_version")
        .annotate(n=Count("pk"))
        .order_by("-n", "model_version")
        .first()
    )
    return top["model_version"] if top else version


def source_signature(model_version: str) -> dict:
    """What changes when the embeddings of ``model_version`` change: count, newest write, largest id."""
    agg = TrackEmbedding.objects.filter(model_version=model_version).aggregate(
        count=Count("pk"), newest=Max("embedded_at"), last_track=Max("track_id")
    )
    return {
        "count": agg["count"],
        "newest": agg["newest"].isoformat() if agg["newest"] else None,
        "last_track": agg["last_track"],
    }


@dataclass(frozen=True)
class RebuildResult:
    """What a rebuild did: ``built`` a new file, ``verified`` the current one unchanged, or ``skipped``."""

    outcome: str
    manifest: IndexManifest | None
    detail: str = ""


def rebuild(
    *,
    model_version: str | None = None,
    force: bool = False,
    n_trees: int = DEFAULT_N_TREES,
    progress: Callable[[int, int], None] | None = None,
) -> RebuildResult:
    """Rebuild the Annoy file from pgvector (see the module docs). ``progress(done, total)`` is called
    while vectors stream in."""
    version = model_version or index_model_version()
    if version is None:
        return RebuildResult("skipped", None, "no embeddings yet")
    store = index_store()
    outer = connection.in_atomic_block
    with transaction.atomic():
        with connection.cursor() as cursor:
            if not outer:  # a test's wrapping transaction has already taken its snapshot
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_ADVISORY_LOCK])
            if not cursor.fetchone()[0]:
                return RebuildResult("skipped", store.read_manifest(), "another rebuild is running")
        started = timezone.now()
        signature = source_signature(version)
        current = store.read_manifest()
        if (
            not force
            and current is not None
            and current.metadata.get("model_version") == version
            and current.metadata.get("signature") == signature
        ):
            verified = _replace(current, verified_at=started.isoformat())
            store.publish(verified)
            return RebuildResult("verified", verified, "embeddings unchanged since the last build")
        total = signature["count"]
        directory = store.new_build_dir()
        clock = time.monotonic()
        index = build_index(
            BACKEND,
            _stream(version, total, progress),
            directory,
            EMBEDDING_DIMENSIONS,
            n_trees=n_trees,
        )
        manifest = IndexManifest(
            backend=BACKEND,
            build=directory.name,
            dimensions=EMBEDDING_DIMENSIONS,
            items=len(index),
            built_at=started.isoformat(),
            build_seconds=round(time.monotonic() - clock, 3),
            disk_bytes=store.disk_bytes(directory.name),
            params={"n_trees": n_trees, "search_k": index.default_search_k, "metric": "angular"},
            metadata={
                "model_version": version,
                "watermark": (started - WATERMARK_MARGIN).isoformat(),
                "signature": signature,
            },
        )
        store.publish(manifest)
    logger.info("published similarity index %s: %d items of %s", manifest.build, manifest.items, version)
    return RebuildResult("built", manifest)


def _stream(
    version: str, total: int, progress: Callable[[int, int], None] | None
) -> Iterator[tuple[int, list[float]]]:
    rows = (
        TrackEmbedding.objects.filter(model_version=version)
        .order_by("track_id")
        .values_list("track_id", "vector")
        .iterator(chunk_size=5000)
    )
    for done, (track_id, vector) in enumerate(rows, start=1):
        yield track_id, vector
        if progress is not None and (done % 5000 == 0 or done == total):
            progress(done, total)


def _replace(manifest: IndexManifest, **changes) -> IndexManifest:
    from dataclasses import replace

    return replace(manifest, **changes)


def is_fresh(manifest: IndexManifest, *, now: datetime | None = None) -> bool:
    return (now or timezone.now()) - manifest.fresh_at <= MAX_AGE


def request_rebuild() -> bool:
    """Queue one rebuild ``DEBOUNCE_S`` from now unless one is already queued; True if this call queued it.

    The marker file is shared by every process on the host (the index folder is); a marker older than
    three debounce periods belongs to a lost message and is replaced.
    """
    root = index_root()
    root.mkdir(parents=True, exist_ok=True)
    marker = root / MARKER
    for _attempt in range(2):
        try:
            os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            break
        except FileExistsError:
            try:
                if time.time() - marker.stat().st_mtime < 3 * DEBOUNCE_S:
                    return False
            except FileNotFoundError:
                continue
            marker.unlink(missing_ok=True)  # a lost request: take over
    else:
        return False
    from recommender.tasks import rebuild_index

    rebuild_index.apply_async(countdown=DEBOUNCE_S)
    return True


def clear_rebuild_request() -> None:
    """Called when a rebuild starts: changes after this moment request the next one."""
    (index_root() / MARKER).unlink(missing_ok=True)
