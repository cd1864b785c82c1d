"""Re-analysis: pick tracks, queue them again, follow their progress.

Queueing goes through the pipeline's one re-queue function (``catalog.services.analysis.requeue``:
status back to ``pending``, errors and attempts cleared, the task enqueued after commit). Nothing is
deleted on the way: a track keeps its previous model rows, analysis, features and embedding until its new
analysis commits and replaces them atomically (``persist_analysis``), and editor tags are never touched.

Used by ``manage.py reanalyze`` and by the admin's re-analyse action (:func:`queue_reanalysis`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from catalog.choices import TrackStatus
from catalog.models import Track

__all__ = [
    "IN_FLIGHT",
    "Progress",
    "QueueResult",
    "outdated_tracks",
    "progress",
    "queue_reanalysis",
    "versions_of",
]

IN_FLIGHT = (TrackStatus.PENDING, TrackStatus.ANALYZING)
"""Tracks already waiting for or in analysis: re-queueing them again would only duplicate messages."""


@dataclass(frozen=True)
class QueueResult:
    """Which of the selected tracks were queued, and how many were skipped because already in flight."""

    queued: list[int]
    skipped_in_flight: int


@dataclass(frozen=True)
class Progress:
    """Where a set of re-queued tracks stands: finished ones are ``analyzed`` or ``failed``."""

    total: int
    analyzed: int
    failed: int

    @property
    def finished(self) -> int:
        return self.analyzed + self.failed

    @property
    def done(self) -> bool:
        return self.finished >= self.total


def outdated_tracks(model_version: str) -> QuerySet[Track]:
    """Tracks not analysed by ``model_version``: another version's results, or no model analysis at all
    (analysed before a bundle was installed, or failed)."""
    return Track.objects.filter(~Q(analysis__model_version=model_version) | Q(analysis__isnull=True))


def versions_of(tracks: QuerySet[Track]) -> Counter[str]:
    """How many of ``tracks`` each model version analysed ("" for none), for reports before queueing."""
    rows = tracks.order_by().values("analysis__model_version").annotate(n=Count("pk"))
    return Counter({row["analysis__model_version"] or "": row["n"] for row in rows})


def queue_reanalysis(
    tracks: QuerySet[Track] | Iterable[int], *, include_in_flight: bool = False, batch_size: int | None = None
) -> QueueResult:
    """Queue ``tracks`` (a queryset or ids) for analysis again. Tracks already pending or analysing are
    skipped unless ``include_in_flight`` (then an analysis in progress is superseded: its results are
    dropped when it completes, see ``catalog.services.analysis.complete``). ``batch_size`` queues
    ``catalog.analyze_tracks`` batches instead of one task per track (bulk re-analysis, GPU workers)."""
    selected = tracks if isinstance(tracks, QuerySet) else Track.objects.filter(pk__in=list(tracks))
    ids = list(selected.order_by("pk").values_list("pk", flat=True))
    if include_in_flight:
        to_queue = ids
    else:
        to_queue = list(
            Track.objects.filter(pk__in=ids)
            .exclude(status__in=IN_FLIGHT)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    # Imported here: the analysis module loads torch and scipy, which the admin (that imports this module
    # at startup) must not pay for in every web process and management command.
    from catalog.services.analysis import requeue

    requeue(to_queue, batch_size=batch_size)
    return QueueResult(queued=to_queue, skipped_in_flight=len(ids) - len(to_queue))


def progress(track_ids: Iterable[int]) -> Progress:
    """Progress of re-queued tracks (one query). Tracks deleted meanwhile count as finished failures."""
    ids = list(track_ids)
    statuses = Counter(Track.objects.filter(pk__in=ids).values_list("status", flat=True))
    missing = len(ids) - sum(statuses.values())
    return Progress(
        total=len(ids), analyzed=statuses[TrackStatus.ANALYZED], failed=statuses[TrackStatus.FAILED] + missing
    )
