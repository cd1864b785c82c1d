"""The model analysis on the real stack: tracks ingested into PostgreSQL, analysed by a real `celery worker`
process that loads a tiny bundle from disk, with tags, features and a pgvector embedding written under
the bundle's version."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from django.conf import settings
from django.core.files import File
from pgvector.django import CosineDistance

from catalog.choices import TrackStatus
from catalog.models import (
    AudioFeatures,
    TagSource,
    Track,
    TrackAnalysis,
    TrackEmbedding,
    TrackGenre,
    TrackMood,
)
from catalog.services.ingest import ingest_file
from catalog.services.taxonomy import load_taxonomy
from tests.catalog.model_outputs import GENRES, MOODS, save_tiny_bundle
from tests.waiting import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ANALYSIS_TIMEOUT_S = 180  # the worker's first track pays for importing torch and librosa
SR = 22050


@pytest.fixture(autouse=True)
def media_root() -> Path:
    """The worker process stores and reads files under the test settings' MEDIA_ROOT: use it, and remove
    what this test added."""
    root = Path(settings.MEDIA_ROOT)
    before = set(root.rglob("*")) if root.exists() else set()
    yield root
    for path in sorted(set(root.rglob("*")) - before, reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


@pytest.fixture(autouse=True)
def taxonomy_rows(transactional_db) -> None:
    """The taxonomy rows come from a data migration, and an earlier transactional test's flush empties
    every table: load them again (the same upsert as `manage.py load_taxonomy`)."""
    load_taxonomy()


@pytest.fixture
def bundle_dir(tmp_path, monkeypatch) -> Path:
    directory = save_tiny_bundle(tmp_path / "bundle", version="moodmix-worker-test-v1")
    monkeypatch.setenv("MOODMIX_BUNDLE_DIR", str(directory))  # inherited by the worker process
    return directory


@pytest.fixture
def celery_worker_process(bundle_dir, celery_worker_process):
    """The shared real-worker fixture, started only after the bundle folder is in the environment."""
    return celery_worker_process


def ingest(path: Path) -> Track:
    with path.open("rb") as handle:
        return ingest_file(File(handle, name=path.name))


def finished(track_id: int) -> Track | None:
    track = Track.objects.get(pk=track_id)
    return track if track.is_final else None


def test_a_worker_analyses_real_audio_with_the_bundle(celery_worker_process, tmp_path):
    t = np.arange(10 * SR) / SR
    song = 0.3 * np.sin(2 * np.pi * 220 * t) * (0.5 + 0.5 * np.cos(2 * np.pi * 2 * t) ** 8)
    noise = 0.2 * np.random.default_rng(0).standard_normal(t.size)
    sf.write(tmp_path / "Band - Song.flac", song.astype(np.float32), SR)
    sf.write(tmp_path / "Noise - Hiss.wav", noise.astype(np.float32), SR)
    tracks = [ingest(tmp_path / "Band - Song.flac"), ingest(tmp_path / "Noise - Hiss.wav")]

    done = [wait_for(lambda pk=t.pk: finished(pk), timeout=ANALYSIS_TIMEOUT_S) for t in tracks]

    log = (tmp_path / "worker.log").read_text()
    assert [t.status for t in done] == [TrackStatus.ANALYZED] * 2, log
    song_track = done[0]
    assert TrackAnalysis.objects.get(track=song_track).model_version == "moodmix-worker-test-v1"
    mood_rows = TrackMood.objects.filter(track=song_track, source=TagSource.MODEL)
    assert mood_rows.count() == len(MOODS)
    assert set(mood_rows.values_list("model_version", flat=True)) == {"moodmix-worker-test-v1"}
    assert TrackGenre.objects.filter(track=song_track, source=TagSource.MODEL).count() == len(GENRES)
    assert AudioFeatures.objects.get(track=song_track).model_version == "moodmix-worker-test-v1"

    embedding = TrackEmbedding.objects.get(track=song_track)
    assert embedding.model_version == "moodmix-worker-test-v1"
    assert len(embedding.vector) == 128
    assert np.linalg.norm(embedding.vector) == pytest.approx(1.0, abs=1e-4)
    nearest = list(
        TrackEmbedding.objects.annotate(distance=CosineDistance("vector", embedding.vector)).order_by(
            "distance"
        )
    )
    assert [row.track_id for row in nearest] == [song_track.pk, done[1].pk]
    assert nearest[0].distance == pytest.approx(0.0, abs=1e-5)
    assert nearest[1].distance > nearest[0].distance
    assert "loaded model bundle moodmix-worker-test-v1" in log
