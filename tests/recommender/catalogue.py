"""A catalogue with known moods for the recommender tests.

Each track belongs to one family: that family's four moods score high (0.6-0.95), every other mood low
(0.02-0.2); valence/arousal sit near the family's centroid; the embedding is the family's direction plus
noise, so "sounds like" agrees with "feels like"; tempo follows arousal; the genre follows the family.

Rows are bulk-written into the catalogue's real tables (model mood/genre rows, analysis, features,
embedding), as ``persist_analysis`` would write them, then the real score-table refresh runs: a few
hundred tracks in a couple of seconds instead of one transaction per track. Every track points to one
small real audio file, so players can play them. ``tests/recommender/test_scores.py`` covers the path
through ``persist_analysis`` and the signals.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from catalog.choices import TrackStatus, Visibility
from catalog.models import (
    Artist,
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
from ml import taxonomy
from recommender.services.layout import layout
from recommender.services.scores import refresh_track_scores
from tests.catalog.audio import write_audio

__all__ = ["FAMILY_GENRES", "VERSION", "KnownCatalogue", "build_catalogue", "delete_catalogue"]

VERSION = "moodmix-test-v1"
FAMILY_GENRES = {
    "joyful": "pop",
    "powerful": "rock",
    "tense": "electronic",
    "aggressive": "metal",
    "dark": "electronic",
    "sad": "folk",
    "tender": "folk",
    "calm": "ambient",
    "dreamy": "ambient",
    "groovy": "latin",
}
KEYS = ["C", "G", "D", "A", "E", "B", "F#", "C#", "G#", "D#", "A#", "F"]
AUDIO_NAME = "tracks/known/tone.wav"
_serial = itertools.count()


@dataclass
class KnownCatalogue:
    family: dict[int, str] = field(default_factory=dict)  # track id -> family it was made in
    artist_ids: list[int] = field(default_factory=list)  # every artist made, credited or not

    def of(self, family: str) -> list[int]:
        return [t for t, f in self.family.items() if f == family]


def _directions() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(1234)
    return {f.name: rng.standard_normal(128) for f in taxonomy.families()}


def _audio_file() -> str:
    path = Path(settings.MEDIA_ROOT) / AUDIO_NAME
    if not path.exists():
        write_audio(path, seconds=2.0)
    return AUDIO_NAME


@transaction.atomic
def build_catalogue(
    per_family: int = 20,
    *,
    artists: int = 40,
    seed: int = 7,
    owner=None,
    visibility: str = Visibility.PUBLIC,
    families: tuple[str, ...] | None = None,
    speech: float = 0.05,
    version: str = VERSION,
) -> KnownCatalogue:
    """``per_family`` analysed tracks for each of ``families`` (all by default) by ``artists`` artists."""
    rng = np.random.default_rng(seed)
    lay = layout()
    directions = _directions()
    batch = next(_serial)
    artist_rows = Artist.objects.bulk_create(
        Artist(name=f"Known {seed}-{batch}-{i}", slug=f"known-{seed}-{batch}-{i}") for i in range(artists)
    )
    mood_rows = {m.name: m for m in Mood.objects.moods()}
    genre_rows = {g.name: g for g in Genre.objects.top_level()}
    audio = _audio_file()
    plans = []
    for family in families or lay.families:
        f = lay.family_index[family]
        family_moods = [m for i, m in enumerate(lay.moods) if lay.mood_family[i] == f]
        for _ in range(per_family):
            moods = {m: float(rng.uniform(0.02, 0.2)) for m in lay.moods}
            moods |= {m: float(rng.uniform(0.6, 0.95)) for m in family_moods}
            genres = {g: float(rng.uniform(0.02, 0.2)) for g in lay.genres}
            genres[FAMILY_GENRES[family]] = float(rng.uniform(0.6, 0.9))
            valence, arousal = (float(v) for v in np.clip(lay.family_va[f] + rng.normal(0, 0.08, 2), -1, 1))
            embedding = directions[family] + rng.standard_normal(128) * 0.8
            plans.append((family, moods, genres, valence, arousal, embedding / np.linalg.norm(embedding)))
    now = timezone.now()
    tracks = Track.objects.bulk_create(
        Track(
            title=f"{family.title()} piece {seed}-{batch}-{i}",
            artist=artist_rows[int(rng.integers(artists))],
            audio_file=audio,
            original_filename="tone.wav",
            content_sha256=hashlib.sha256(f"known-{seed}-{batch}-{i}".encode()).hexdigest(),
            size_bytes=1000,
            format="wav",
            duration_s=float(rng.uniform(120, 300)),
            owner=owner,
            visibility=visibility,
            status=TrackStatus.ANALYZED,
            analyzed_at=now,
        )
        for i, (family, *_rest) in enumerate(plans)
    )
    known = KnownCatalogue(artist_ids=[a.pk for a in artist_rows])
    moods_out, genres_out, analyses, features, embeddings = [], [], [], [], []
    for track, (family, moods, genres, valence, arousal, embedding) in zip(tracks, plans, strict=True):
        known.family[track.pk] = family
        moods_out += [
            TrackMood(track=track, mood=mood_rows[m], source=TagSource.MODEL, score=s, model_version=version)
            for m, s in moods.items()
        ]
        genres_out += [
            TrackGenre(
                track=track, genre=genre_rows[g], source=TagSource.MODEL, score=s, model_version=version
            )
            for g, s in genres.items()
        ]
        analyses.append(
            TrackAnalysis(
                track=track,
                model_version=version,
                speech_probability=speech,
                is_speech=speech > 0.5,
                valence=valence,
                arousal=arousal,
                uncertainty=0.5,
                duration_s=track.duration_s,
                timeline={"moods": [], "windows": []},
                analysed_at=now,
            )
        )
        features.append(
            AudioFeatures(
                track=track,
                tempo_bpm=80 + 50 * (arousal + 1),
                tempo_confidence=0.9,
                key=KEYS[int(rng.integers(12))],
                mode="major" if valence > 0 else "minor",
                key_confidence=0.8,
                energy=0.5,
                danceability=0.5,
                speechiness=speech,
                valence=valence,
                model_version=version,
                computed_at=now,
            )
        )
        embeddings.append(TrackEmbedding(track=track, vector=embedding.tolist(), model_version=version))
    for model, rows in (
        (TrackMood, moods_out),
        (TrackGenre, genres_out),
        (TrackAnalysis, analyses),
        (AudioFeatures, features),
        (TrackEmbedding, embeddings),
    ):
        model.objects.bulk_create(rows, batch_size=2000)
    refresh_track_scores(known.family)
    return known


def delete_catalogue(known: KnownCatalogue) -> None:
    Track.objects.filter(pk__in=known.family).delete()
    # Artists drawn at random may have no track at all: delete every artist the build made.
    Artist.objects.filter(pk__in=known.artist_ids, tracks__isnull=True).delete()
