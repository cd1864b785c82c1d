"""Celery tasks of the catalogue. Routed by name in ``recommender/celery.py`` (analyze_track -> analysis)."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError

from catalog.choices import TrackErrorCode, TrackStatus
from catalog.services.analysis import fail, run_analysis
from catalog.services.stuck import sweep_stuck

__all__ = ["analyze_track", "sweep_stuck_tracks"]

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
    except TRANSIENT_ERRORS:
        raise  # autoretry_for: the track stays analysing and the retry claims it again
    except Exception as exc:
        fail(track_id, TrackErrorCode.INTERNAL, f"{type(exc).__name__}: {exc}")
        raise
    if status is None:
        logger.info("analyze_track(%s): nothing to do (not pending, or finished elsewhere)", track_id)
        return None
    return status.value


@shared_task(name="catalog.sweep_stuck_tracks", ignore_result=True, time_limit=120)
def sweep_stuck_tracks() -> dict[str, list[int]]:
    """Beat's periodic sweep: re-queue tracks stuck in pending/analysing, fail those out of attempts."""
    result = sweep_stuck()
    return {"requeued": result.requeued, "failed": result.failed}
