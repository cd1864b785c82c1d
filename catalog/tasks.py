"""Celery tasks of the catalogue. Routed by name in ``recommender/celery.py`` (analyze_track and
analyze_tracks -> analysis). Importing this module (Celery autodiscovers it) also wires the worker
process set-up of ``catalog.workers`` (threads per process)."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

from catalog import workers  # noqa: F401  (connects the worker signal handlers)
from catalog.choices import TrackErrorCode, TrackStatus
from catalog.models import Track
from catalog.services.analysis import fail, run_analysis, run_batch_analysis
from catalog.services.stuck import sweep_stuck

__all__ = [
    "BATCH_SIZE",
    "analyze_track",
    "analyze_tracks",
    "enqueue_analysis_batches",
    "sweep_stuck_tracks",
]

logger = logging.getLogger(__name__)

# Errors worth a retry: the database or a networked storage blinked. Anything else is a property of the
# file or a bug, and retrying would only fail again.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)

# A 30-minute track decodes and runs the models in well under a minute on one CPU core; ten times that
# means something is stuck. The hard limit (prefork pool only) kills the child; the message is then
# redelivered (acks_late + reject_on_worker_lost) and counted by the attempt limit.
SOFT_TIME_LIMIT_S = 600
HARD_TIME_LIMIT_S = 660


@shared_task(
    name="catalog.analyze_track",
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    max_retries=3,
    retry_backoff=5,
    retry_backoff_max=120,
    retry_jitter=True,
    soft_time_limit=SOFT_TIME_LIMIT_S,
    time_limit=HARD_TIME_LIMIT_S,
)
def analyze_track(track_id: int) -> str | None:
    """Analyse the track ``track_id`` if it is pending (or analysing, after a lost worker).

    Returns the final status, or None when the message was a no-op (duplicate or late delivery). Files
    that do not decode fail the track with the ml.audio error code; a time-out fails it with ``timeout``;
    an unexpected error fails it with ``internal`` and is re-raised so it is logged with its traceback.
    """
    try:
        status = run_analysis(track_id)
    except SoftTimeLimitExceeded:
        fail(track_id, TrackErrorCode.TIMEOUT, f"The analysis did not finish within {SOFT_TIME_LIMIT_S} s.")
        return TrackStatus.FAILED.value
    except TRANSIENT_ERRORS as exc:
        if analyze_track.request.retries >= analyze_track.max_retries:
            # Celery gives up after this raise: without this the track would stay "analyzing" for good.
            attempts = analyze_track.max_retries + 1
            fail(
                track_id,
                TrackErrorCode.ATTEMPTS_EXHAUSTED,
                f"{attempts} attempts failed: {type(exc).__name__}: {exc}",
            )
        raise  # autoretry_for: the track stays analysing and the retry claims it again
    except Exception as exc:
        fail(track_id, TrackErrorCode.INTERNAL, f"{type(exc).__name__}: {exc}")
        raise
    if status is None:
        logger.info("analyze_track(%s): nothing to do (not pending, or finished elsewhere)", track_id)
        return None
    return status.value


BATCH_SIZE = 16
"""Tracks per ``analyze_tracks`` message: 16 three-minute tracks are about 1,900 windows, several full
GPU passes, and about 270 MB of decoded audio held at once."""

# A batch may hold BATCH_SIZE long tracks; the per-track limit above times the batch would be hours, so
# a batch gets a few per-track limits: enough for 16 tracks of 20 minutes on one CPU core.
BATCH_SOFT_TIME_LIMIT_S = 3 * SOFT_TIME_LIMIT_S
BATCH_HARD_TIME_LIMIT_S = BATCH_SOFT_TIME_LIMIT_S + 60


@shared_task(
    name="catalog.analyze_tracks",
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    max_retries=3,
    retry_backoff=5,
    retry_backoff_max=120,
    retry_jitter=True,
    soft_time_limit=BATCH_SOFT_TIME_LIMIT_S,
    time_limit=BATCH_HARD_TIME_LIMIT_S,
)
def analyze_tracks(track_ids: list[int]) -> dict[str, str | None]:
    """Analyse a batch of pending tracks in one pass (``run_batch_analysis``): their windows share the
    model's forward passes and each track fails or completes on its own. Returns {track id: final
    status or None}. On the soft time limit, the batch's tracks still analysing fail with ``timeout``."""
    try:
        results = run_batch_analysis(track_ids)
    except SoftTimeLimitExceeded:
        stuck = Track.objects.filter(pk__in=track_ids, status=TrackStatus.ANALYZING).values_list(
            "pk", flat=True
        )
        for track_id in stuck:
            fail(
                track_id,
                TrackErrorCode.TIMEOUT,
                f"The batch did not finish within {BATCH_SOFT_TIME_LIMIT_S} s.",
            )
        return {str(track_id): TrackStatus.FAILED.value for track_id in stuck}
    return {str(track_id): None if status is None else status.value for track_id, status in results.items()}


def enqueue_analysis_batches(track_ids: list[int], batch_size: int = BATCH_SIZE) -> int:
    """Queue ``catalog.analyze_tracks`` for `track_ids` in batches of `batch_size`; the messages sent."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    batches = [track_ids[i : i + batch_size] for i in range(0, len(track_ids), batch_size)]
    for batch in batches:
        analyze_tracks.delay(batch)
    return len(batches)


@shared_task(name="catalog.sweep_stuck_tracks", ignore_result=True, time_limit=120)
def sweep_stuck_tracks() -> dict[str, list[int]]:
    """Beat's periodic sweep: re-queue tracks stuck in pending/analysing, fail those out of attempts."""
    result = sweep_stuck()
    return {"requeued": result.requeued, "failed": result.failed}
