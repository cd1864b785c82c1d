"""The bulk jobs on a real Celery worker: rebuild the score table, recompute profiles from the log."""

from __future__ import annotations

import pytest

from catalog.services.taxonomy import load_taxonomy
from recommender.models import EventKind, ListenerProfile, ListeningEvent, TrackScores
from recommender.tasks import rebuild_profiles, refresh_scores
from tests.factories import UserFactory
from tests.recommender.catalogue import build_catalogue
from tests.waiting import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_worker_rebuilds_scores_and_profiles(celery_worker_process):
    load_taxonomy()  # a transactional test may run after another one flushed the migrated taxonomy rows
    known = build_catalogue(3, artists=6)
    TrackScores.objects.all().delete()
    refresh_scores.delay()
    wait_for(lambda: TrackScores.objects.count() == len(known.family), timeout=90)

    listener = UserFactory(username="worker-listener")
    for track_id in known.of("calm"):
        ListeningEvent.objects.create(user=listener, track_id=track_id, kind=EventKind.LIKE)
    rebuild_profiles.delay([listener.pk])
    profile = wait_for(lambda: ListenerProfile.objects.filter(user=listener).first(), timeout=90)
    assert profile.signal_count == 3
    assert max(profile.family_sums, key=profile.family_sums.get) == "calm"
    assert profile.feedback == {str(t): "like" for t in known.of("calm")}
