"""Which model version playlists use: the one with the most scored tracks, recounted whenever scores move,
so a catalogue re-analysed by a new model follows it and a version whose tracks left stops being used."""

from __future__ import annotations

import pytest

from recommender.models import ScoreGeneration, TrackScores
from recommender.services.playlists.snapshot import default_model_version
from recommender.services.scores import bump_generation
from tests.factories import TrackFactory

pytestmark = pytest.mark.django_db


def score(track, version: str) -> None:
    TrackScores.objects.update_or_create(
        track=track,
        defaults={
            "model_version": version,
            "moods": b"",
            "genres": b"",
            "valence": 0.0,
            "arousal": 0.0,
            "is_speech": False,
        },
    )


def test_reanalysed_tracks_move_the_default_to_the_new_version():
    tracks = TrackFactory.create_batch(3)
    for track in tracks:
        score(track, "moodmix-v1")
    bump_generation({"moodmix-v1"})
    assert default_model_version() == "moodmix-v1"

    for track in tracks[:2]:  # re-analysis writes the new version's rows and bumps only that version
        score(track, "moodmix-v0-newer")
    bump_generation({"moodmix-v0-newer"})

    counts = dict(ScoreGeneration.objects.values_list("model_version", "tracks"))
    assert {v: counts[v] for v in ("moodmix-v1", "moodmix-v0-newer")} == {
        "moodmix-v1": 1,
        "moodmix-v0-newer": 2,
    }
    assert default_model_version() == "moodmix-v0-newer"


def test_a_version_whose_tracks_all_left_is_no_longer_the_default():
    old = TrackFactory.create_batch(3)
    new = TrackFactory.create_batch(2)
    for track in old:
        score(track, "moodmix-a")
    for track in new:
        score(track, "moodmix-b")
    bump_generation({"moodmix-a", "moodmix-b"})
    assert default_model_version() == "moodmix-a"

    for track in old:
        track.delete()
    bump_generation(None)  # what a deleted track's receiver calls

    assert default_model_version() == "moodmix-b"
