"""Helpers of the editors' workspace tests: an editor account in the "Editors" group, analysed tracks with
model predictions, and editor verdicts written the way the admin writes them."""

from __future__ import annotations

import numpy as np
from django.contrib.auth.models import Group
from django.utils import timezone

from catalog.models import Genre, Mood, TagSource, TrackAnalysis, TrackGenre, TrackMood
from catalog.services.predictions import persist_analysis
from tests.catalog.model_outputs import make_features, make_prediction
from tests.factories import TrackFactory, UserFactory

__all__ = ["analysed_track", "bulk_analysed_tracks", "make_editor", "mood", "genre"]

VERSION = "moodmix-test-v1"


def make_editor(username: str = "edith"):
    """Staff, in the Editors group created by the migrations, not a superuser."""
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def mood(name: str) -> Mood:
    return Mood.objects.terms().get(name=name)


def genre(name: str) -> Genre:
    return Genre.objects.get(name=name)


def analysed_track(moods: dict[str, float] | None = None, genres: dict[str, float] | None = None, **fields):
    """A track analysed by the test model version: the named moods and genres score as given, every other
    label 0.05 (so uncertainty grows with the number of scores near 0.5)."""
    track = TrackFactory(**fields)
    persist_analysis(track, make_prediction(VERSION, moods=moods, genres=genres), make_features())
    return track


def bulk_analysed_tracks(count: int, *, version: str = VERSION) -> list:
    """``count`` analysed tracks with an analysis row and three mood and two genre predictions each,
    written in bulk (the admin's query-count tests need many rows, not the analysis pipeline)."""
    tracks = TrackFactory.create_batch(count)
    rng = np.random.default_rng(0)
    moods = list(Mood.objects.moods()[:6])
    genres = list(Genre.objects.top_level()[:4])
    now = timezone.now()
    TrackAnalysis.objects.bulk_create(
        TrackAnalysis(
            track=track,
            model_version=version,
            speech_probability=0.1,
            is_speech=False,
            valence=0.2,
            arousal=0.1,
            uncertainty=float(rng.uniform(0.05, 0.95)),
            duration_s=30.0,
            timeline={"moods": [], "windows": []},
            analysed_at=now,
        )  # fmt: skip
        for track in tracks
    )
    TrackMood.objects.bulk_create(
        TrackMood(
            track=track, mood=m, source=TagSource.MODEL, score=float(rng.uniform()), model_version=version
        )
        for track in tracks
        for m in rng.choice(moods, size=3, replace=False)
    )
    TrackGenre.objects.bulk_create(
        TrackGenre(
            track=track, genre=g, source=TagSource.MODEL, score=float(rng.uniform()), model_version=version
        )
        for track in tracks
        for g in rng.choice(genres, size=2, replace=False)
    )
    return tracks
