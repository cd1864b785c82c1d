"""A synthetic catalogue for the music map: clusters of tracks around random directions of the embedding
sphere, each cluster tagged with one level-2 mood, written in bulk (thousands of rows in seconds)."""

from __future__ import annotations

import hashlib

from catalog.choices import TrackStatus, Visibility
from catalog.models import Mood, TagSource, Track, TrackEmbedding, TrackMood
from tests.explore.vectors import synthetic_vectors
from tests.factories import ArtistFactory

MODEL_VERSION = "map-test-v1"


def build_catalogue(n: int, mood_names: list[str], *, owner=None, private_every: int = 0, seed: int = 0):
    """``n`` analysed public tracks in ``len(mood_names)`` clusters; every ``private_every``-th is private
    to ``owner``. Returns the tracks (in creation order) and each one's cluster label."""
    vectors, labels = synthetic_vectors(n, len(mood_names), seed)
    artist = ArtistFactory(name=f"Map Artist {seed}")
    tracks = Track.objects.bulk_create(
        Track(
            title=f"{mood_names[labels[i]].title()} {i}",
            artist=artist,
            audio_file=f"tracks/map/{seed}-{i}.wav",
            original_filename=f"{i}.wav",
            content_sha256=hashlib.sha256(f"map-{seed}-{i}".encode()).hexdigest(),
            size_bytes=100,
            format="wav",
            duration_s=30.0,
            status=TrackStatus.ANALYZED,
            visibility=Visibility.PRIVATE if private_every and i % private_every == 0 else Visibility.PUBLIC,
            owner=owner,
        )
        for i in range(n)
    )
    TrackEmbedding.objects.bulk_create(
        TrackEmbedding(track=t, vector=vectors[i].tolist(), model_version=MODEL_VERSION)
        for i, t in enumerate(tracks)
    )
    moods = {name: Mood.objects.moods().get(name=name) for name in mood_names}
    TrackMood.objects.bulk_create(
        TrackMood(
            track=t,
            mood=moods[mood_names[labels[i]]],
            source=TagSource.MODEL,
            score=0.9,
            model_version=MODEL_VERSION,
        )
        for i, t in enumerate(tracks)
    )
    return tracks, labels
