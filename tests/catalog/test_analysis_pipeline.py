"""The "model" analysis step inside catalog.analyze_track (called in-process): a real tiny bundle on real
decoded audio writes tags, analysis, features and embedding in the completing transaction; no bundle
means a signal-only analysis; the bundle is loaded once per process and reloaded when replaced."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from django.core.files import File

from catalog import bundles
from catalog.choices import TrackStatus
from catalog.models import AudioFeatures, TagSource, Track, TrackAnalysis, TrackEmbedding, TrackMood
from catalog.services.ingest import ingest_file
from catalog.services.predictions import analyse_with_bundle
from catalog.tasks import analyze_track
from tests.catalog.model_outputs import MOODS, save_tiny_bundle, tiny_bundle

pytestmark = pytest.mark.django_db

SR = 22050


def beat_song(seconds: float = 8.0, sample_rate: int = SR) -> np.ndarray:
    """An A minor chord with a kick on every beat at 120 BPM: tempo, key and loudness to measure."""
    t = np.arange(round(seconds * sample_rate)) / sample_rate
    chord = sum(0.12 * np.sin(2 * np.pi * f * t) for f in (220.0, 261.63, 329.63))
    phase = t % 0.5
    kick = 0.6 * np.sin(2 * np.pi * 60 * t) * np.exp(-phase * 30)
    return (chord + kick).astype(np.float32)


@pytest.fixture
def bundle_dir(tmp_path, monkeypatch) -> Path:
    directory = save_tiny_bundle(tmp_path / "bundle", version="moodmix-tiny-v1")
    monkeypatch.setenv("MOODMIX_BUNDLE_DIR", str(directory))
    bundles.forget_bundle()
    yield directory
    bundles.forget_bundle()


@pytest.fixture
def pending_track(audio_dir) -> Track:
    path = audio_dir / "Band - Song.flac"
    sf.write(path, beat_song(sample_rate=44100), 44100)
    with path.open("rb") as handle:
        return ingest_file(File(handle, name=path.name))


def test_the_analysis_task_stores_the_bundles_predictions(bundle_dir, pending_track):
    assert analyze_track(pending_track.pk) == TrackStatus.ANALYZED

    track = Track.objects.get(pk=pending_track.pk)
    analysis = TrackAnalysis.objects.get(track=track)
    assert analysis.model_version == "moodmix-tiny-v1"
    assert analysis.duration_s == pytest.approx(8.0, abs=0.01)
    windows = analysis.timeline["windows"]
    assert (windows[0][0], windows[-1][1]) == (0.0, pytest.approx(8.0, abs=0.01))  # covers the track
    assert all(end - start == pytest.approx(3.0) for start, end, _ in windows)
    assert 0 <= analysis.uncertainty <= 1
    model_rows = TrackMood.objects.filter(track=track, source=TagSource.MODEL)
    assert sorted(model_rows.values_list("mood__name", flat=True)) == sorted(MOODS)
    features = AudioFeatures.objects.get(track=track)
    assert features.tempo_bpm == pytest.approx(120, abs=2)
    assert (features.key, features.mode) == ("A", "minor")
    assert features.speechiness == pytest.approx(analysis.speech_probability)
    assert len(TrackEmbedding.objects.get(track=track).vector) == 128


def test_analyse_with_bundle_resamples_to_the_bundles_rate():
    bundle = tiny_bundle()
    at_44k = analyse_with_bundle(beat_song(sample_rate=44100), 44100, bundle)
    at_22k = analyse_with_bundle(beat_song(), SR, bundle)
    assert at_44k.prediction.duration == pytest.approx(8.0, abs=0.01)
    assert at_44k.features.duration == pytest.approx(8.0, abs=0.01)
    # Same music at two rates: the model sees nearly the same input after resampling.
    assert np.dot(at_44k.prediction.embedding, at_22k.prediction.embedding) > 0.95


def test_without_a_bundle_the_track_is_analysed_for_its_signal_only(
    tmp_path, monkeypatch, pending_track, caplog
):
    monkeypatch.setenv("MOODMIX_BUNDLE_DIR", str(tmp_path / "no-bundle-here"))
    with caplog.at_level(logging.WARNING, logger="catalog.services.predictions"):
        assert analyze_track(pending_track.pk) == TrackStatus.ANALYZED
    assert "no model bundle" in caplog.text
    track = Track.objects.get(pk=pending_track.pk)
    assert track.loudness_lufs is not None
    assert not TrackAnalysis.objects.filter(track=track).exists()


def test_the_bundle_is_loaded_once_and_reloaded_when_replaced(bundle_dir):
    first = bundles.current_bundle()
    assert bundles.current_bundle() is first
    assert bundles.current_model_version() == "moodmix-tiny-v1"

    save_tiny_bundle(bundle_dir, version="moodmix-tiny-v2", seed=1)

    assert bundles.current_bundle().version == "moodmix-tiny-v2"
    assert bundles.current_model_version() == "moodmix-tiny-v2"
