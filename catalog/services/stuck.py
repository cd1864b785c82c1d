"""Tracks stuck in ``pending`` or ``analyzing``: found by a periodic sweep, re-queued, failed after N tries.

A track can stop moving without anybody noticing: the filesystem broker loses the message of a worker that
was killed mid-analysis (the track stays ``analyzing``), and a broker that was down when a file was
uploaded never received its message (the track stays ``pending``). The Celery beat task
``catalog.sweep_stuck_tracks`` (every :data:`SWEEP_INTERVAL_S`) and ``manage.py reanalyze --stuck`` call
:func:`sweep_stuck`:

- a track whose last state change (``updated``: queued, or claimed by a worker) is older than its status'
  deadline is put back to ``pending`` and queued again on commit;
- every re-queue counts as an analysis attempt (a worker's claim counts too, see
  ``catalog.services.analysis.claim``), so a track that keeps getting stuck fails with
  ``attempts_exhausted`` once it reached ``MAX_ANALYSIS_ATTEMPTS`` instead of being re-queued forever.

Re-queueing is safe against a late original message: the first claim wins, a second message for an
analysed track is a no-op, and ``complete`` drops results of an analysis that was superseded.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.timesince import timesince

from catalog.choices import TrackErrorCode, TrackStatus
from catalog.models import Track
from catalog.services.analysis import MAX_ANALYSIS_ATTEMPTS, enqueue_analysis, fail

__all__ = [
    "SWEEP_INTERVAL_S",
    "SweepResult",
    "in_flight_text",
    "stuck_deadlines",
    "stuck_tracks",
    "sweep_stuck",
]

logger = logging.getLogger(__name__)

SWEEP_INTERVAL_S = 60.0
"""How often beat runs the sweep: a stuck track waits at most its deadline plus this."""


def stuck_deadlines() -> dict[str, timedelta]:
    """How long a track may sit in each in-flight status before it counts as stuck.

    ``analyzing`` must outlast the task's hard time limit (11 min), or a slow but live analysis would be
    re-queued under the worker's feet. ``pending`` only waits for a free worker.
    """
    conf = settings.MOODMIX
    return {
        TrackStatus.PENDING: timedelta(seconds=conf["STUCK_PENDING_S"]),
        TrackStatus.ANALYZING: timedelta(seconds=conf["STUCK_ANALYZING_S"]),
    }


def stuck_tracks(now: datetime | None = None) -> QuerySet[Track]:
    now = now or timezone.now()
    condition = Q()
    for status, deadline in stuck_deadlines().items():
        condition |= Q(status=status, updated__lt=now - deadline)
    return Track.objects.filter(condition)


@dataclass
class SweepResult:
    """What one sweep did: ids re-queued and ids failed for having used up their attempts."""

    requeued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def sweep_stuck(now: datetime | None = None) -> SweepResult:
    """Re-queue stuck tracks, or fail those that already used ``MAX_ANALYSIS_ATTEMPTS`` attempts."""
    result = SweepResult()
    with transaction.atomic():
        # skip_locked: a track a worker is claiming right now is not stuck; concurrent sweeps never collide.
        for track in stuck_tracks(now).select_for_update(skip_locked=True).order_by("pk"):
            if track.analysis_attempts >= MAX_ANALYSIS_ATTEMPTS:
                result.failed.append(track.pk)
                continue
            # A pending track was never claimed: count this lost queueing as its attempt. An analysing one
            # was counted by its worker's claim already.
            bump = 1 if track.status == TrackStatus.PENDING else 0
            Track.objects.filter(pk=track.pk).update(
                status=TrackStatus.PENDING,
                analysis_attempts=F("analysis_attempts") + bump,
                updated=timezone.now(),
            )
            transaction.on_commit(lambda track_id=track.pk: enqueue_analysis(track_id))
            result.requeued.append(track.pk)
    for track_id in result.failed:
        fail(
            track_id,
            TrackErrorCode.ATTEMPTS_EXHAUSTED,
            f"The analysis was queued {MAX_ANALYSIS_ATTEMPTS} times and never finished (workers stopped, "
            "or no worker reads the broker). Re-analyse it once the workers run.",
        )
    if result.requeued or result.failed:
        logger.warning("stuck tracks: re-queued %s, failed %s", result.requeued, result.failed)
    return result


def in_flight_text(track: Track, now: datetime | None = None) -> str:
    """What the uploader reads instead of a silent spinner: "Queued 3 minutes ago", "Analysing for 1
    minute (attempt 2)". Final statuses read as their label."""
    status = TrackStatus(track.status)
    if status.is_final or track.updated is None:
        return status.label
    since = timesince(track.updated, now or timezone.now(), depth=1)
    text = f"Queued {since} ago" if status == TrackStatus.PENDING else f"Analysing for {since}"
    attempt = track.analysis_attempts + (1 if status == TrackStatus.PENDING else 0)
    return f"{text} (attempt {attempt})" if attempt > 1 else text
