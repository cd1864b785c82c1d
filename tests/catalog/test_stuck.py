"""The stuck-track sweep: deadlines per status, an attempt count, a clear failure after N attempts, the
``reanalyze --stuck`` command, and the uploader's "Queued 3 minutes ago" instead of a silent spinner."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from catalog.choices import TrackErrorCode, TrackStatus
from catalog.models import Track
from catalog.services.analysis import MAX_ANALYSIS_ATTEMPTS
from catalog.services.stuck import sweep_stuck
from tests.factories import TrackFactory

pytestmark = pytest.mark.django_db


def aged(status: TrackStatus, minutes: float, attempts: int = 0, **fields) -> Track:
    track = TrackFactory(status=status, analysis_attempts=attempts, **fields)
    # update() skips auto_now: the track last changed state `minutes` ago.
    Track.objects.filter(pk=track.pk).update(updated=timezone.now() - timedelta(minutes=minutes))
    track.refresh_from_db()
    return track


def test_tracks_past_their_deadline_are_requeued_with_an_attempt_counted(django_capture_on_commit_callbacks):
    lost_message = aged(TrackStatus.PENDING, minutes=11)
    killed_worker = aged(TrackStatus.ANALYZING, minutes=16, attempts=1)
    waiting = aged(TrackStatus.PENDING, minutes=2)
    working = aged(TrackStatus.ANALYZING, minutes=5, attempts=1)
    done = aged(TrackStatus.ANALYZED, minutes=600)

    with django_capture_on_commit_callbacks() as callbacks:
        result = sweep_stuck()

    assert result.requeued == [lost_message.pk, killed_worker.pk] and result.failed == []
    assert len(callbacks) == 2  # one analyze_track message each, sent after commit
    rows = {t.pk: (t.status, t.analysis_attempts) for t in Track.objects.all()}
    assert rows[lost_message.pk] == (TrackStatus.PENDING, 1)
    assert rows[killed_worker.pk] == (TrackStatus.PENDING, 1)  # its claim counted already
    assert rows[waiting.pk] == (TrackStatus.PENDING, 0)
    assert rows[working.pk] == (TrackStatus.ANALYZING, 1)
    assert rows[done.pk][0] == TrackStatus.ANALYZED


def test_a_track_out_of_attempts_fails_with_a_clear_code():
    hopeless = aged(TrackStatus.PENDING, minutes=30, attempts=MAX_ANALYSIS_ATTEMPTS)

    result = sweep_stuck()

    hopeless.refresh_from_db()
    assert result.failed == [hopeless.pk]
    assert (hopeless.status, hopeless.error_code) == (TrackStatus.FAILED, TrackErrorCode.ATTEMPTS_EXHAUSTED)
    assert "never finished" in hopeless.error_detail


def test_reanalyze_stuck_runs_the_sweep(capsys):
    stuck = aged(TrackStatus.ANALYZING, minutes=20, attempts=1)

    call_command("reanalyze", "--stuck", "--no-wait")

    assert "Selected 1 stuck track(s)." in capsys.readouterr().out
    stuck.refresh_from_db()
    assert stuck.status == TrackStatus.PENDING


def test_the_uploader_sees_how_long_a_track_has_been_queued(client):
    track = aged(TrackStatus.PENDING, minutes=3, visibility="public")
    retried = aged(TrackStatus.ANALYZING, minutes=1, attempts=2, visibility="public")

    body = client.get(reverse("catalog:track-status"), {"ids": f"{track.pk},{retried.pk}"}).json()

    labels = {t["id"]: t["status_label"] for t in body["tracks"]}
    assert labels[track.pk] == "Queued 3\xa0minutes ago"
    assert labels[retried.pk] == "Analysing for 1\xa0minute (attempt 2)"
    page = client.get(reverse("catalog:track-list")).content.decode()
    assert "Queued 3\xa0minutes ago" in page


def test_the_catalogue_refreshes_itself_while_tracks_are_arriving_or_in_analysis(client):
    aged(TrackStatus.PENDING, minutes=0, visibility="public")
    assert 'http-equiv="refresh"' in client.get(reverse("catalog:track-list")).content.decode()

    Track.objects.update(status=TrackStatus.ANALYZED)
    assert 'http-equiv="refresh"' not in client.get(reverse("catalog:track-list")).content.decode()
