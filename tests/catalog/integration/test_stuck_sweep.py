"""A worker killed mid-analysis leaves its track ``analyzing`` for good; the stuck-track sweep (the beat
task, run here by a real worker on the real broker) re-queues it and the track is analysed exactly once."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.urls import reverse

from catalog.choices import TrackStatus
from catalog.models import Track
from catalog.tasks import sweep_stuck_tracks
from tests.catalog.audio import write_audio
from tests.factories import UserFactory
from tests.security.brokers import each_broker  # noqa: F401 - a fixture: Redis, then the filesystem broker
from tests.waiting import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def status_of(track_id: int) -> Track:
    return Track.objects.get(pk=track_id)


def finished_analyses(log: Path) -> int:
    return sum(
        "catalog.analyze_track" in line and "succeeded" in line and "'analyzed'" in line
        for line in log.read_text().splitlines()
    )


@pytest.mark.usefixtures("each_broker")  # set up before the worker fixture copies the environment
def test_a_killed_workers_track_is_requeued_by_the_sweep_and_analysed_once(
    start_celery_worker, client, tmp_path
):
    client.force_login(UserFactory(username="uploader"))
    first = start_celery_worker()
    path = write_audio(tmp_path / "Band - Long Song.flac", seconds=40.0)
    with path.open("rb") as handle:
        response = client.post(reverse("catalog:upload"), {"files": handle}, HTTP_ACCEPT="application/json")
    track_id = response.json()["results"][0]["track"]["id"]

    wait_for(lambda: status_of(track_id).status == TrackStatus.ANALYZING, timeout=120, interval=0.02)
    first.kill()  # SIGKILL mid-analysis: no chance to requeue or fail anything
    first.wait()

    # A fresh worker alone does not rescue the track: the message died with the first worker (it stays
    # unacknowledged until the broker's one-hour visibility timeout).
    second = start_celery_worker(MOODMIX_STUCK_ANALYZING_S="1", MOODMIX_STUCK_PENDING_S="3600")
    time.sleep(3)
    assert status_of(track_id).status == TrackStatus.ANALYZING
    assert status_of(track_id).analysis_attempts == 1

    sweep_stuck_tracks.delay()  # what beat sends every minute
    try:
        wait_for(lambda: status_of(track_id).status == TrackStatus.ANALYZED, timeout=300)
    except AssertionError:
        track = status_of(track_id)
        log = (tmp_path / "worker-2.log").read_text()
        raise AssertionError(f"{track.status} after {track.analysis_attempts} attempts:\n{log}") from None
    analysed = status_of(track_id)
    assert analysed.analysis_attempts == 2  # the killed claim and the sweep's

    # A second sweep finds nothing stuck; the track's result stays the one analysis.
    sweep_stuck_tracks.delay()
    time.sleep(3)
    again = status_of(track_id)
    assert (again.status, again.analyzed_at, again.analysis_attempts) == (
        TrackStatus.ANALYZED,
        analysed.analyzed_at,
        2,
    )
    assert second.poll() is None
    assert finished_analyses(tmp_path / "worker-2.log") == 1, (tmp_path / "worker-2.log").read_text()
