"""catalog.analyze_track: decodes and measures a pending track, fails it with a structured error when the
audio is broken (keeping the file), and is idempotent against duplicate, late and redelivered messages.

The task runs in-process here (called directly); tests/catalog/integration runs it on a real worker."""

from pathlib import Path

import numpy as np
import pytest
from django.core.files import File

from catalog.choices import TrackErrorCode, TrackStatus
from catalog.models import Track
from catalog.services import analysis
from catalog.services.analysis import MAX_ANALYSIS_ATTEMPTS, WAVEFORM_POINTS, complete, requeue
from catalog.services.ingest import ingest_file
from catalog.tasks import analyze_track
from tests.catalog.audio import corrupt_tail, write_audio
from tests.factories import TrackFactory

pytestmark = pytest.mark.django_db


def ingest(path: Path) -> Track:
    with path.open("rb") as handle:
        return ingest_file(File(handle, name=path.name))


@pytest.fixture
def pending_track(audio_dir) -> Track:
    # 44.1 kHz stereo: the analysis decodes to mono 22.05 kHz, the duration must survive the resampling.
    return ingest(write_audio(audio_dir / "tone.flac", seconds=4.321, sample_rate=44100, channels=2))


def test_analysis_measures_the_decoded_audio(pending_track):
    assert analyze_track(pending_track.pk) == TrackStatus.ANALYZED

    track = Track.objects.get(pk=pending_track.pk)
    assert track.status == TrackStatus.ANALYZED
    assert track.duration_s == pytest.approx(4.321, abs=0.005)
    assert track.peak_dbfs == pytest.approx(20 * np.log10(0.5), abs=0.5)  # a 0.5-amplitude sine
    # A full-scale sine reads -3.01 LUFS; at 0.5 amplitude about -9 LUFS (K-weighting lifts 440 Hz a bit).
    assert -11.0 < track.loudness_lufs < -7.0
    assert len(track.waveform) == WAVEFORM_POINTS
    assert 0.4 < max(track.waveform) <= 1.0
    assert track.analyzed_at is not None
    assert (track.error_code, track.error_detail, track.analysis_attempts) == ("", "", 1)


def test_a_second_message_for_an_analysed_track_is_a_no_op(pending_track):
    analyze_track(pending_track.pk)
    first = Track.objects.get(pk=pending_track.pk)

    assert analyze_track(pending_track.pk) is None

    again = Track.objects.get(pk=pending_track.pk)
    assert (again.analyzed_at, again.updated, again.analysis_attempts) == (
        first.analyzed_at,
        first.updated,
        first.analysis_attempts,
    )


def test_a_failed_track_stays_failed(pending_track):
    analysis.fail(pending_track.pk, TrackErrorCode.UNDECODABLE, "broken")

    assert analyze_track(pending_track.pk) is None

    track = Track.objects.get(pk=pending_track.pk)
    assert (track.status, track.error_code, track.error_detail) == (
        TrackStatus.FAILED,
        "undecodable",
        "broken",
    )


def test_a_message_for_a_deleted_track_is_a_no_op():
    assert analyze_track(987654) is None


def test_corrupt_audio_fails_with_a_code_and_keeps_the_file(audio_dir):
    # The first seconds decode (so ingest accepts it); the rest of the file is random bytes.
    path = corrupt_tail(write_audio(audio_dir / "damaged.flac", seconds=20.0), keep_fraction=0.5)
    track = ingest(path)
    stored = Path(track.audio_file.path)

    assert analyze_track(track.pk) == TrackStatus.FAILED

    track.refresh_from_db()
    assert track.status == TrackStatus.FAILED
    assert track.error_code == TrackErrorCode.UNDECODABLE
    assert track.error_detail
    assert stored.read_bytes() == path.read_bytes()


def test_a_row_whose_bytes_are_not_audio_fails_undecodable():
    track = TrackFactory(status=TrackStatus.PENDING)  # created without ingest: the file is not audio

    analyze_track(track.pk)

    track.refresh_from_db()
    assert (track.status, track.error_code) == (TrackStatus.FAILED, TrackErrorCode.UNDECODABLE)
    assert Path(track.audio_file.path).is_file()


def test_a_missing_file_fails_with_missing_file(pending_track):
    Path(pending_track.audio_file.path).unlink()

    analyze_track(pending_track.pk)

    pending_track.refresh_from_db()
    assert (pending_track.status, pending_track.error_code) == (
        TrackStatus.FAILED,
        TrackErrorCode.MISSING_FILE,
    )


def test_a_redelivered_message_after_a_lost_worker_analyses_again(pending_track):
    # A worker claimed the track and died: the row is left "analyzing", the broker redelivers the message.
    Track.objects.filter(pk=pending_track.pk).update(status=TrackStatus.ANALYZING, analysis_attempts=1)

    assert analyze_track(pending_track.pk) == TrackStatus.ANALYZED

    track = Track.objects.get(pk=pending_track.pk)
    assert (track.status, track.analysis_attempts) == (TrackStatus.ANALYZED, 2)


def test_a_track_that_keeps_killing_workers_fails_after_the_attempt_limit(pending_track):
    Track.objects.filter(pk=pending_track.pk).update(
        status=TrackStatus.ANALYZING, analysis_attempts=MAX_ANALYSIS_ATTEMPTS
    )

    assert analyze_track(pending_track.pk) is None

    track = Track.objects.get(pk=pending_track.pk)
    assert (track.status, track.error_code) == (TrackStatus.FAILED, TrackErrorCode.ATTEMPTS_EXHAUSTED)


def test_an_unexpected_error_fails_the_track_as_internal_and_is_raised(pending_track, monkeypatch):
    def broken_step(decoded):
        raise RuntimeError("model weights missing")

    monkeypatch.setitem(analysis._STEPS, "broken", broken_step)

    with pytest.raises(RuntimeError, match="model weights missing"):
        analyze_track(pending_track.pk)

    track = Track.objects.get(pk=pending_track.pk)
    assert (track.status, track.error_code) == (TrackStatus.FAILED, TrackErrorCode.INTERNAL)
    assert track.error_detail == "RuntimeError: model weights missing"


def test_registered_steps_see_the_decoded_wave_and_write_in_the_completing_transaction(
    pending_track, monkeypatch
):
    seen = {}

    def predictions(decoded):
        seen["sample_rate"], seen["seconds"] = decoded.sample_rate, decoded.duration_s

        def write(track):
            seen["status_while_writing"] = track.status
            track.album = "written by a step"

        return write

    monkeypatch.setitem(analysis._STEPS, "predictions", predictions)

    analyze_track(pending_track.pk)

    assert seen["sample_rate"] == 22050
    assert seen["seconds"] == pytest.approx(4.321, abs=0.005)
    assert seen["status_while_writing"] == TrackStatus.ANALYZING
    assert Track.objects.get(pk=pending_track.pk).album == "written by a step"


def test_results_are_dropped_when_the_track_was_requeued_meanwhile(pending_track):
    track = analysis.claim(pending_track.pk)
    writers = analysis.analyze(track)
    Track.objects.filter(pk=track.pk).update(status=TrackStatus.PENDING)  # an editor re-queued it

    assert complete(track.pk, writers) is False
    assert Track.objects.get(pk=track.pk).status == TrackStatus.PENDING


def test_requeue_resets_failed_tracks_and_queues_them_on_commit(
    monkeypatch, django_capture_on_commit_callbacks
):
    failed = TrackFactory(
        status=TrackStatus.FAILED, error_code="undecodable", error_detail="x", analysis_attempts=2
    )
    queued = []
    monkeypatch.setattr("catalog.tasks.analyze_track.delay", queued.append)

    with django_capture_on_commit_callbacks(execute=True):
        assert requeue([failed.pk]) == 1

    failed.refresh_from_db()
    assert (failed.status, failed.error_code, failed.error_detail, failed.analysis_attempts) == (
        TrackStatus.PENDING,
        "",
        "",
        0,
    )
    assert queued == [failed.pk]


def test_the_task_is_routed_to_the_analysis_queue():
    from recommender.celery import app

    route = app.amqp.router.route({}, "catalog.analyze_track")
    assert route["queue"].name == "analysis"
    assert analyze_track.acks_late is True
    assert analyze_track.soft_time_limit < analyze_track.time_limit
