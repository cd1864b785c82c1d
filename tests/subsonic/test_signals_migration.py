"""The migration that moves Subsonic stars and scrobbles into listening events keeps every signal and its
time, and leaves profiles as if the events had come through the service."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from recommender.models import ListenerProfile, ListeningEvent
from recommender.services.profiles.accumulate import rebuild_profile

BEFORE = [("subsonic", "0001_subsonic_api")]
AFTER = [("subsonic", "0002_signals_to_listening_events")]


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def test_stars_and_scrobbles_become_events(catalogue):
    old = _migrate(BEFORE)
    try:
        star, scrobble = old.get_model("subsonic", "Star"), old.get_model("subsonic", "Scrobble")
        starred = star.objects.create(user_id=catalogue.listener.pk, track_id=catalogue.arc[0].pk)
        played_at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
        scrobble.objects.create(
            user_id=catalogue.listener.pk, track_id=catalogue.arc[1].pk, played_at=played_at
        )
    finally:
        _migrate(AFTER)
    events = list(
        ListeningEvent.objects.order_by("kind").values_list("kind", "track_id", "fraction", "created")
    )
    assert events == [
        ("like", catalogue.arc[0].pk, None, starred.created),
        ("play", catalogue.arc[1].pk, 1.0, played_at),
    ]
    migrated = ListenerProfile.objects.get(user=catalogue.listener)
    rebuilt = rebuild_profile(catalogue.listener.pk)
    assert (migrated.signal_count, migrated.mood_sums, migrated.feedback) == (
        rebuilt.signal_count,
        rebuilt.mood_sums,
        {str(catalogue.arc[0].pk): "like"},
    )
    assert "subsonic_star" not in connection.introspection.table_names()
