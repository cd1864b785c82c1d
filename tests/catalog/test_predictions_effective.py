"""Effective tags: editors' verdicts take priority over model scores, a tagged word or subgenre implies
its parent, and families are derived from their moods on read."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Genre, Mood, TagSource, TrackMood, Verdict
from catalog.services.effective_tags import (
    clear_editor_verdict,
    effective_families,
    effective_genres,
    effective_moods,
    effective_moods_for,
    set_editor_verdict,
)
from catalog.services.predictions import persist_analysis
from tests.catalog.model_outputs import make_features, make_prediction
from tests.factories import TrackFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return UserFactory(username="editor", is_staff=True)


MODEL_MOODS = {"happy": 0.9, "serene": 0.6, "sad": 0.3}  # every other mood scores 0.05


@pytest.fixture
def track():
    track = TrackFactory()
    persist_analysis(
        track,
        make_prediction(moods=MODEL_MOODS, genres={"jazz": 0.7, "rock": 0.2}),
        make_features(),
    )
    return track


def mood(name: str) -> Mood:
    return Mood.objects.terms().get(name=name)


def scores(tags) -> dict[str, tuple[float, str]]:
    return {tag.term.name: (round(tag.score, 3), tag.source) for tag in tags}


def test_without_editors_the_model_scores_stand(track):
    tags = effective_moods(track)
    assert scores(tags)["happy"] == (0.9, "model")
    assert [t.term.name for t in tags[:3]] == ["happy", "serene", "sad"]


def test_an_editor_verdict_wins_over_the_model(track, editor):
    set_editor_verdict(track, mood("happy"), Verdict.ABSENT, editor)
    set_editor_verdict(track, mood("sad"), Verdict.PRESENT, editor)

    result = scores(effective_moods(track))

    assert result["happy"] == (0.0, "editor")
    assert result["sad"] == (1.0, "editor")
    assert result["serene"] == (0.6, "model")


def test_a_word_an_editor_adds_implies_its_mood_but_removing_a_word_does_not_remove_the_mood(track, editor):
    set_editor_verdict(track, mood("bittersweet"), Verdict.PRESENT, editor)  # maps up to melancholic
    set_editor_verdict(track, mood("tranquil"), Verdict.ABSENT, editor)

    result = scores(effective_moods(track))

    assert result["bittersweet"] == (1.0, "editor")
    assert result["melancholic"] == (1.0, "editor")
    tranquil_mood = mood("tranquil").parent.name
    assert result[tranquil_mood] == (MODEL_MOODS.get(tranquil_mood, 0.05), "model")


def test_an_explicit_verdict_on_a_mood_beats_what_its_words_imply(track, editor):
    set_editor_verdict(track, mood("bittersweet"), Verdict.PRESENT, editor)
    set_editor_verdict(track, mood("melancholic"), Verdict.ABSENT, editor)
    assert scores(effective_moods(track))["melancholic"] == (0.0, "editor")


def test_families_are_the_max_of_their_moods_and_follow_editors(track, editor):
    families = scores(effective_families(effective_moods(track)))
    assert families["joyful"] == (0.9, "model")
    assert families["calm"] == (0.6, "model")
    assert len(families) == 10

    set_editor_verdict(track, mood("happy"), Verdict.ABSENT, editor)
    set_editor_verdict(track, mood("lonely"), Verdict.PRESENT, editor)
    families = scores(effective_families(effective_moods(track)))

    assert families["joyful"] == (0.05, "model")  # the family's other moods still score 0.05
    assert families["sad"] == (1.0, "editor")


def test_genres_follow_the_same_rules_with_subgenres(track, editor):
    set_editor_verdict(track, Genre.objects.get(name="bebop"), Verdict.PRESENT, editor)
    set_editor_verdict(track, Genre.objects.get(name="rock"), Verdict.PRESENT, editor)

    result = scores(effective_genres(track))

    assert result["bebop"] == (1.0, "editor")
    assert result["jazz"] == (1.0, "editor")
    assert result["rock"] == (1.0, "editor")
    assert result["pop"] == (0.05, "model")


def test_changing_and_withdrawing_a_verdict(track, editor):
    set_editor_verdict(track, mood("happy"), Verdict.ABSENT, editor)
    set_editor_verdict(track, mood("happy"), Verdict.PRESENT, editor)
    assert TrackMood.objects.filter(track=track, mood=mood("happy"), source=TagSource.EDITOR).count() == 1
    assert scores(effective_moods(track))["happy"] == (1.0, "editor")

    assert clear_editor_verdict(track, mood("happy")) is True
    assert scores(effective_moods(track))["happy"] == (0.9, "model")
    assert clear_editor_verdict(track, mood("happy")) is False


def test_families_cannot_be_tagged(track, editor):
    with pytest.raises(ValueError, match="family"):
        set_editor_verdict(track, Mood.objects.families().get(name="calm"), Verdict.PRESENT, editor)


def test_a_track_without_analysis_has_only_its_editor_tags(editor):
    track = TrackFactory()
    set_editor_verdict(track, mood("serene"), Verdict.PRESENT, editor)
    assert scores(effective_moods(track)) == {"serene": (1.0, "editor")}


def test_many_tracks_cost_one_query(track, editor):
    other = TrackFactory()
    set_editor_verdict(other, mood("bittersweet"), Verdict.PRESENT, editor)
    with CaptureQueriesContext(connection) as queries:
        result = effective_moods_for([track.pk, other.pk, 999_999])
        families = {pk: effective_families(tags) for pk, tags in result.items()}
    assert len(queries) == 1
    assert scores(families[other.pk]) == {"sad": (1.0, "editor")}
    assert result[999_999] == []
