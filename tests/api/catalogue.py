"""Analysed tracks for the API tests, written straight into the tables the analysis fills (analysis,
features, embedding, model mood/genre rows), so each test states exactly what the model "said"."""

from __future__ import annotations

import numpy as np
from django.utils import timezone

from catalog.choices import TrackStatus, Visibility
from catalog.models import (
    AudioFeatures,
    Genre,
    Mood,
    TagSource,
    Track,
    TrackAnalysis,
    TrackEmbedding,
    TrackGenre,
    TrackMood,
)
from catalog.models.analysis import EMBEDDING_DIMENSIONS
from tests.factories import TrackFactory

__all__ = ["MODEL_VERSION", "analysed_track", "unit_vector"]

MODEL_VERSION = "moodmix-api-test-v1"


def unit_vector(seed: int, near: np.ndarray | None = None, noise: float = 0.05) -> np.ndarray:
    rng = np.random.default_rng(seed)
    vector = rng.standard_normal(EMBEDDING_DIMENSIONS)
    if near is not None:
        vector = near + noise * vector
    return vector / np.linalg.norm(vector)


def analysed_track(
    *,
    moods: dict[str, float] | None = None,
    genres: dict[str, float] | None = None,
    valence: float = 0.2,
    arousal: float = -0.1,
    vector: np.ndarray | None = None,
    key: str = "A",
    mode: str = "minor",
    owner=None,
    visibility: str = Visibility.PUBLIC,
    **track_fields,
) -> Track:
    track = TrackFactory(owner=owner, visibility=visibility, status=TrackStatus.ANALYZED, **track_fields)
    now = timezone.now()
    TrackAnalysis.objects.create(
        track=track,
        model_version=MODEL_VERSION,
        speech_probability=0.05,
        is_speech=False,
        valence=valence,
        arousal=arousal,
        uncertainty=0.3,
        duration_s=track.duration_s,
        timeline={"moods": [], "windows": []},
        analysed_at=now,
    )
    AudioFeatures.objects.create(
        track=track,
        tempo_bpm=120.0,
        tempo_confidence=0.8,
        key=key,
        mode=mode,
        key_confidence=0.7,
        loudness_lufs=-14.0,
        energy=0.6,
        danceability=0.5,
        speechiness=0.05,
        valence=valence,
        model_version=MODEL_VERSION,
        computed_at=now,
    )
    if vector is None:
        vector = unit_vector(track.pk)
    TrackEmbedding.objects.create(track=track, vector=list(vector), model_version=MODEL_VERSION)
    for name, score in (moods or {}).items():
        TrackMood.objects.create(
            track=track,
            mood=Mood.objects.moods().get(name=name),
            source=TagSource.MODEL,
            score=score,
            model_version=MODEL_VERSION,
        )
    for name, score in (genres or {}).items():
        TrackGenre.objects.create(
            track=track,
            genre=Genre.objects.get(name=name),
            source=TagSource.MODEL,
            score=score,
            model_version=MODEL_VERSION,
        )
    return track
