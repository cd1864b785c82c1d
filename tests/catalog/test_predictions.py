"""persist_analysis: one transaction writes a track's model tags, analysis, features and embedding with
the bundle's version, replaces the previous model results, and never touches editors' tags."""

from __future__ import annotations

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pgvector.django import CosineDistance

from catalog.models import (
    AudioFeatures,
    Mood,
    TagSource,
    TrackAnalysis,
    TrackEmbedding,
    TrackGenre,
    TrackMood,
    Verdict,
)
from catalog.services.effective_tags import set_editor_verdict
from catalog.services.predictions import SPEECH_THRESHOLD, mood_uncertainty, persist_analysis
from tests.catalog.model_outputs import GENRES, MOODS, make_features, make_prediction
from tests.factories import TrackFactory, UserFactory

pytestmark = pytest.mark.django_db


def model_scores(track) -> dict[str, float]:
    rows = TrackMood.objects.filter(track=track, source=TagSource.MODEL).select_related("mood")
    return {row.mood.name: row.score for row in rows}


def test_persist_writes_every_label_the_analysis_features_and_embedding_with_the_version():
    track = TrackFactory()
    prediction = make_prediction("moodmix-v7", moods={"serene": 0.9}, genres={"ambient": 0.8}, speech=0.02)

    persist_analysis(track, prediction, make_features(tempo_bpm=92.5, key="D", mode="major"))

    assert model_scores(track).keys() == set(MOODS)
    assert model_scores(track)["serene"] == pytest.approx(0.9)
    assert set(TrackMood.objects.filter(track=track).values_list("model_version", flat=True)) == {
        "moodmix-v7"
    }
    genre_rows = TrackGenre.objects.filter(track=track, source=TagSource.MODEL)
    assert genre_rows.count() == len(GENRES)
    assert genre_rows.get(genre__name="ambient").score == pytest.approx(0.8)

    analysis = TrackAnalysis.objects.get(track=track)
    assert analysis.model_version == "moodmix-v7"
    assert (analysis.speech_probability, analysis.is_speech) == (pytest.approx(0.02), False)
    assert (analysis.valence, analysis.arousal) == (pytest.approx(0.3), pytest.approx(-0.2))
    assert analysis.timeline["moods"] == MOODS
    assert [w[:2] for w in analysis.timeline["windows"]] == [
        [0.0, 3.0],
        [1.5, 4.5],
        [3.0, 6.0],
        [4.5, 7.5],
        [6.0, 9.0],
    ]
    assert all(len(w[2]) == len(MOODS) for w in analysis.timeline["windows"])

    features = AudioFeatures.objects.get(track=track)
    assert (features.tempo_bpm, features.key, features.mode) == (92.5, "D", "major")
    assert (features.speechiness, features.valence, features.model_version) == (
        pytest.approx(0.02),
        pytest.approx(0.3),
        "moodmix-v7",
    )

    embedding = TrackEmbedding.objects.get(track=track)
    assert embedding.model_version == "moodmix-v7"
    assert len(embedding.vector) == 128
    assert np.allclose(embedding.vector, prediction.embedding, atol=1e-6)


def test_the_embedding_answers_cosine_queries():
    direction = np.zeros(128, dtype=np.float32)
    direction[0] = 1.0
    near, far = TrackFactory(), TrackFactory()
    persist_analysis(near, make_prediction(embedding=direction + 0.01), make_features())
    persist_analysis(far, make_prediction(embedding=-direction + 0.01), make_features())

    ranked = (
        TrackEmbedding.objects.filter(track__in=[near, far])  # rows other tests left behind are not ours
        .annotate(distance=CosineDistance("vector", direction.tolist()))
        .order_by("distance")
    )

    assert [row.track_id for row in ranked] == [near.pk, far.pk]
    assert ranked[0].distance < 0.05 and ranked[1].distance > 1.9


def test_speech_dominated_uploads_are_flagged():
    talk = TrackFactory()
    persist_analysis(talk, make_prediction(speech=SPEECH_THRESHOLD + 0.3), make_features())
    assert TrackAnalysis.objects.get(track=talk).is_speech
    assert TrackAnalysis.objects.get(track=talk).music_probability == pytest.approx(
        1 - SPEECH_THRESHOLD - 0.3
    )


def test_silence_and_atonal_audio_store_empty_loudness_and_key():
    track = TrackFactory()
    persist_analysis(
        track,
        make_prediction(),
        make_features(loudness_lufs=float("-inf"), key=None, mode=None, tempo_bpm=None),
    )
    features = AudioFeatures.objects.get(track=track)
    assert (features.loudness_lufs, features.key, features.mode, features.tempo_bpm) == (None, "", "", None)


def test_a_new_analysis_replaces_the_model_rows_and_keeps_editor_tags():
    track, editor = TrackFactory(), UserFactory(username="editor")
    persist_analysis(track, make_prediction("v1", moods={"happy": 0.9}), make_features())
    set_editor_verdict(track, Mood.objects.moods().get(name="happy"), Verdict.ABSENT, editor)
    set_editor_verdict(track, Mood.objects.words().get(name="bittersweet"), Verdict.PRESENT, editor)

    persist_analysis(track, make_prediction("v2", moods={"happy": 0.2, "sad": 0.7}, seed=1), make_features())

    assert model_scores(track)["happy"] == pytest.approx(0.2)
    assert set(
        TrackMood.objects.filter(track=track, source=TagSource.MODEL).values_list("model_version", flat=True)
    ) == {"v2"}
    assert TrackMood.objects.filter(track=track, source=TagSource.MODEL).count() == len(MOODS)
    editor_rows = TrackMood.objects.filter(track=track, source=TagSource.EDITOR)
    assert {(r.mood.name, r.verdict, r.editor_id) for r in editor_rows} == {
        ("happy", "absent", editor.pk),
        ("bittersweet", "present", editor.pk),
    }
    assert TrackAnalysis.objects.get(track=track).model_version == "v2"
    assert TrackEmbedding.objects.filter(track=track).count() == 1


def test_everything_is_written_in_one_transaction(monkeypatch):
    track = TrackFactory()
    persist_analysis(track, make_prediction("v1", moods={"happy": 0.9}), make_features())

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(TrackEmbedding.objects, "update_or_create", broken)
    with pytest.raises(RuntimeError):
        persist_analysis(track, make_prediction("v2", moods={"happy": 0.1}), make_features())

    assert model_scores(track)["happy"] == pytest.approx(0.9)
    assert TrackAnalysis.objects.get(track=track).model_version == "v1"
    assert AudioFeatures.objects.get(track=track).model_version == "v1"


def test_labels_missing_from_the_taxonomy_tables_are_refused_before_writing():
    track = TrackFactory()
    prediction = make_prediction("v1")
    prediction.moods["not-a-mood"] = 0.5
    with pytest.raises(ValueError, match="not-a-mood.*load_taxonomy"):
        persist_analysis(track, prediction, make_features())
    assert not TrackMood.objects.filter(track=track).exists()
    assert not TrackAnalysis.objects.filter(track=track).exists()


def test_an_embedding_of_another_size_is_refused():
    prediction = make_prediction()
    prediction.embedding = np.ones(64, dtype=np.float32) / 8
    with pytest.raises(ValueError, match="128"):
        persist_analysis(TrackFactory(), prediction, make_features())


def test_persisting_costs_a_bounded_number_of_queries():
    track = TrackFactory()
    persist_analysis(track, make_prediction("v1"), make_features())
    with CaptureQueriesContext(connection) as queries:
        persist_analysis(track, make_prediction("v2"), make_features())
    # Label lookups, lock, two deletes, two bulk inserts, three upserts (select + update + savepoints):
    # 21 statements, whatever the number of labels.
    assert len(queries) <= 21


@pytest.mark.parametrize(
    ("moods", "expected"),
    [({"a": 0.5, "b": 0.5}, 1.0), ({"a": 0.0, "b": 1.0}, 0.0), ({"a": 0.5, "b": 1.0}, 0.5)],
)
def test_uncertainty_is_the_mean_binary_entropy_in_bits(moods, expected):
    assert mood_uncertainty(moods) == pytest.approx(expected, abs=1e-5)
