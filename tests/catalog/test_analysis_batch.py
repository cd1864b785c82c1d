"""catalog.analyze_tracks: a batch of pending tracks analysed in one pass (windows of all tracks share
forward passes), one bad file failing only its own track; the analysis queue routes it."""

from __future__ import annotations

from pathlib import Path

import pytest
import soundfile as sf
from django.core.files import File

from catalog import bundles
from catalog.choices import TrackErrorCode, TrackStatus
from catalog.models import AudioFeatures, Track, TrackAnalysis
from catalog.services import analysis
from catalog.services.ingest import ingest_file
from catalog.tasks import analyze_track, analyze_tracks, enqueue_analysis_batches
from ml.inference import ModelBundle
from tests.catalog.model_outputs import save_tiny_bundle
from tests.catalog.test_analysis_pipeline import beat_song
from tests.factories import TrackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bundle_dir(tmp_path, monkeypatch) -> Path:
    directory = save_tiny_bundle(tmp_path / "bundle", version="moodmix-tiny-v1")
    monkeypatch.setenv("MOODMIX_BUNDLE_DIR", str(directory))
    bundles.forget_bundle()
    yield directory
    bundles.forget_bundle()


def pending(audio_dir: Path, name: str, seconds: float) -> Track:
    path = audio_dir / f"Band - {name}.flac"
    level = 0.5 + (sum(map(ord, name)) % 40) / 100  # distinct bytes: ingest refuses duplicates
    sf.write(path, level * beat_song(seconds, sample_rate=44100), 44100)
    with path.open("rb") as handle:
        return ingest_file(File(handle, name=path.name))


def test_a_batch_analyses_every_track_with_one_shared_prediction_pass(bundle_dir, audio_dir, monkeypatch):
    tracks = [pending(audio_dir, f"Song {i}", seconds) for i, seconds in enumerate((6.0, 9.0, 4.0))]
    calls = []
    original = ModelBundle.predict_many
    monkeypatch.setattr(
        ModelBundle,
        "predict_many",
        lambda self, items, **kw: calls.append(len(items)) or original(self, items, **kw),
    )
    monkeypatch.setattr(ModelBundle, "predict", lambda *a, **kw: pytest.fail("a track was predicted alone"))

    result = analyze_tracks([t.pk for t in tracks])

    assert result == {str(t.pk): "analyzed" for t in tracks}
    assert calls == [3]
    for track, seconds in zip(tracks, (6.0, 9.0, 4.0), strict=True):
        track.refresh_from_db()
        assert track.status == TrackStatus.ANALYZED
        assert TrackAnalysis.objects.get(track=track).duration_s == pytest.approx(seconds, abs=0.01)
        features = AudioFeatures.objects.get(track=track)
        assert features.tempo_bpm == pytest.approx(120.0, rel=0.02)
        assert track.loudness_lufs == pytest.approx(features.loudness_lufs)  # computed once, stored twice


def test_the_batch_gives_a_track_what_it_gets_alone(
    bundle_dir, audio_dir, monkeypatch, django_capture_on_commit_callbacks
):
    track = pending(audio_dir, "Song", 7.0)
    analyze_track(track.pk)
    alone = TrackAnalysis.objects.get(track=track)
    monkeypatch.setattr("catalog.tasks.analyze_track.delay", lambda track_id: None)
    with django_capture_on_commit_callbacks(execute=True):
        analysis.requeue([track.pk])

    analyze_tracks([pending(audio_dir, "Neighbour", 5.0).pk, track.pk])

    batched = TrackAnalysis.objects.get(track=track)
    assert batched.analysed_at > alone.analysed_at
    assert batched.speech_probability == pytest.approx(alone.speech_probability, abs=1e-5)
    assert batched.timeline == alone.timeline


def test_one_bad_file_fails_only_its_own_track(bundle_dir, audio_dir):
    good, later = pending(audio_dir, "Good", 6.0), pending(audio_dir, "Later", 5.0)
    not_audio = TrackFactory(status=TrackStatus.PENDING)  # its bytes are not audio
    already_done = TrackFactory(status=TrackStatus.ANALYZED)

    result = analyze_tracks([good.pk, not_audio.pk, already_done.pk, later.pk])

    assert result == {
        str(good.pk): "analyzed",
        str(not_audio.pk): "failed",
        str(already_done.pk): None,
        str(later.pk): "analyzed",
    }
    not_audio.refresh_from_db()
    assert not_audio.error_code == TrackErrorCode.UNDECODABLE


def test_an_unexpected_error_in_one_track_is_isolated_and_recorded(bundle_dir, audio_dir, monkeypatch):
    good, broken = pending(audio_dir, "Good", 6.0), pending(audio_dir, "Broken", 6.0)
    run_steps = analysis.run_steps

    def steps(decoded):
        if decoded.track_id == broken.pk:
            raise RuntimeError("a bug that only this track triggers")
        return run_steps(decoded)

    monkeypatch.setattr(analysis, "run_steps", steps)
    result = analyze_tracks([broken.pk, good.pk])

    assert result == {str(broken.pk): "failed", str(good.pk): "analyzed"}
    broken.refresh_from_db()
    assert broken.error_code == TrackErrorCode.INTERNAL
    assert "only this track" in broken.error_detail


def test_batches_are_queued_in_chunks_on_the_analysis_queue(monkeypatch):
    from recommender.celery import app

    sent = []
    monkeypatch.setattr("catalog.tasks.analyze_tracks.delay", sent.append)
    assert enqueue_analysis_batches(list(range(1, 40)), batch_size=16) == 3
    assert [len(batch) for batch in sent] == [16, 16, 7]
    assert app.amqp.router.route({}, "catalog.analyze_tracks")["queue"].name == "analysis"


def test_reanalyze_with_batch_queues_batches_after_commit(monkeypatch, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    tracks = [TrackFactory(status=TrackStatus.ANALYZED) for _ in range(5)]
    sent = []
    monkeypatch.setattr("catalog.tasks.analyze_tracks.delay", sent.append)
    monkeypatch.setattr("catalog.tasks.analyze_track.delay", lambda track_id: pytest.fail("queued alone"))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reanalyze", "--all", "--batch", "2", "--no-wait")
    assert sent == [[t.pk for t in tracks[:2]], [t.pk for t in tracks[2:4]], [tracks[4].pk]]
    assert set(Track.objects.values_list("status", flat=True)) == {TrackStatus.PENDING}
