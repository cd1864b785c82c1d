"""The compact score table follows the catalogue: analysis, editors' verdicts, visibility."""

from __future__ import annotations

import numpy as np
import pytest

from catalog.choices import Visibility
from catalog.models import Mood, Verdict
from catalog.services.effective_tags import set_editor_verdict
from catalog.services.predictions import persist_analysis
from recommender.models import ScoreGeneration, TrackScores
from recommender.services.layout import layout
from recommender.services.playlists import PlaylistRequest, generate
from recommender.services.playlists.snapshot import get_snapshot
from tests.catalog.model_outputs import make_features, make_prediction
from tests.factories import TrackFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def analysed(django_capture_on_commit_callbacks):
    track = TrackFactory()
    with django_capture_on_commit_callbacks(execute=True):
        persist_analysis(
            track,
            make_prediction("moodmix-scores-v1", moods={"serene": 0.9}, valence=0.5, arousal=-0.7),
            make_features(tempo_bpm=72.0, key="A", mode="minor"),
        )
    return track


def unpack(row: TrackScores) -> np.ndarray:
    return np.frombuffer(bytes(row.moods), dtype="<f4")


def test_an_analysis_writes_the_packed_row(analysed):
    row = TrackScores.objects.get(track=analysed)
    lay = layout()
    moods = unpack(row)
    assert moods[lay.mood_index["serene"]] == pytest.approx(0.9)
    assert moods[lay.mood_index["angry"]] == pytest.approx(0.05)
    assert (row.model_version, row.tempo_bpm, row.key_index, row.minor) == (
        "moodmix-scores-v1",
        72.0,
        0,
        True,
    )
    assert row.valence == pytest.approx(0.5) and row.arousal == pytest.approx(-0.7)


def test_an_editors_verdict_updates_the_row(analysed, django_capture_on_commit_callbacks):
    editor = UserFactory(is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        set_editor_verdict(analysed, Mood.objects.get(name="angry", level=2), Verdict.PRESENT, editor)
    assert unpack(TrackScores.objects.get(track=analysed))[layout().mood_index["angry"]] == 1.0


def test_a_track_made_private_leaves_other_listeners_playlists(analysed, django_capture_on_commit_callbacks):
    owner, other = UserFactory(), UserFactory()
    analysed.owner = owner
    request = PlaylistRequest(moods={"serene": 1.0}, length=5, model_version="moodmix-scores-v1")
    with django_capture_on_commit_callbacks(execute=True):
        analysed.save()
    assert generate(request, other).track_ids == [analysed.pk]
    before = ScoreGeneration.objects.get(pk="moodmix-scores-v1").generation
    with django_capture_on_commit_callbacks(execute=True):
        analysed.visibility = Visibility.PRIVATE
        analysed.save()
    assert ScoreGeneration.objects.get(pk="moodmix-scores-v1").generation > before
    assert not get_snapshot("moodmix-scores-v1").public.any()
    assert generate(request, other).track_ids == []
    assert generate(request, owner).track_ids == [analysed.pk]


def test_the_database_check_catches_a_stale_snapshot(analysed):
    """No signal ran (a raw update): the cached snapshot still says public, the pool check does not."""
    other = UserFactory()
    request = PlaylistRequest(moods={"serene": 1.0}, length=5, model_version="moodmix-scores-v1")
    assert generate(request, other).track_ids == [analysed.pk]
    type(analysed).objects.filter(pk=analysed.pk).update(visibility=Visibility.PRIVATE)
    assert get_snapshot("moodmix-scores-v1").public.all()
    assert generate(request, other).track_ids == []
