"""A task that keeps failing with a transient error ends ``failed`` after its bounded retries.

Real pieces only: a real worker whose database sessions have a short ``lock_timeout`` (libpq's
``PGOPTIONS``), and this test holding a real table lock on the analysis results table, so every attempt
analyses the audio and then fails to store it with PostgreSQL's "lock not available" (an
``OperationalError``, which the task retries). Before the fix, Celery gave up after the last retry and
the track stayed ``analyzing`` for good.
"""

from __future__ import annotations

import re

import psycopg
import pytest
from django.db import connection
from django.urls import reverse

from catalog.choices import TrackErrorCode, TrackStatus
from catalog.models import Track, TrackAnalysis
from catalog.tasks import analyze_track
from tests.catalog.audio import write_audio
from tests.factories import UserFactory
from tests.waiting import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
# Celery's backoff (5 s base, doubling, jittered) over max_retries, plus four analyses of a short track.
GIVE_UP_TIMEOUT_S = 240


@pytest.fixture
def short_lock_timeout(monkeypatch):
    """Set before the worker fixture copies the environment: the worker's sessions give up on a lock
    after 0.5 s instead of waiting for ever."""
    monkeypatch.setenv("PGOPTIONS", "-c lock_timeout=500")


@pytest.fixture
def locked_results():
    """An open transaction elsewhere holding the results table: reads pass, every write waits."""
    with psycopg.connect(**connection.get_connection_params()) as other:
        other.execute(f"LOCK TABLE {TrackAnalysis._meta.db_table} IN EXCLUSIVE MODE")
        yield
        other.rollback()


def test_a_task_that_keeps_failing_ends_failed_after_bounded_retries(
    short_lock_timeout, celery_worker_process, locked_results, client, tmp_path
):
    worker, log = celery_worker_process, tmp_path / "worker.log"
    client.force_login(UserFactory(username="unlucky"))
    with write_audio(tmp_path / "Band - Locked Out.flac", seconds=3.0).open("rb") as handle:
        form = {"files": handle}
        response = client.post(reverse("catalog:upload"), form, HTTP_ACCEPT="application/json")
    track_id = response.json()["results"][0]["track"]["id"]

    def failed() -> Track | None:
        track = Track.objects.get(pk=track_id)
        return track if track.status == TrackStatus.FAILED else None

    track = wait_for(failed, timeout=GIVE_UP_TIMEOUT_S)
    assert track.error_code == TrackErrorCode.ATTEMPTS_EXHAUSTED, log.read_text()[-3000:]
    assert "LockNotAvailable" in track.error_detail or "lock" in track.error_detail.lower()
    assert track.analysis_attempts == analyze_track.max_retries + 1
    assert len(re.findall(r"Retry in", log.read_text())) == analyze_track.max_retries
    assert worker.poll() is None  # the worker is fine: only the task gave up
