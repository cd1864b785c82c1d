"""The whole path of an upload on the real stack: the web upload endpoint, PostgreSQL, the broker, and a
real `celery worker` process running catalog.analyze_track."""

from pathlib import Path

import pytest
import soundfile as sf
from django.urls import reverse

from catalog.models import Track
from tests.catalog.audio import corrupt_tail, write_audio
from tests.factories import UserFactory
from tests.waiting import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# The worker's first analysis pays for importing torch/librosa (and compiling numba caches on a fresh venv).
ANALYSIS_TIMEOUT_S = 180


def upload(client, path: Path) -> int:
    with path.open("rb") as handle:
        response = client.post(reverse("catalog:upload"), {"files": handle}, HTTP_ACCEPT="application/json")
    assert response.status_code == 201, response.content
    return response.json()["results"][0]["track"]["id"]


def final_status(client, track_id: int) -> dict | None:
    [track] = client.get(reverse("catalog:track-status"), {"ids": track_id}).json()["tracks"]
    return track if track["final"] else None


def worker_log(tmp_path: Path) -> str:
    return (tmp_path / "worker.log").read_text()


@pytest.fixture
def listener_client(client):
    client.force_login(UserFactory(username="uploader"))
    return client


def test_an_uploaded_track_is_analysed_by_the_worker(celery_worker_process, listener_client, tmp_path):
    path = write_audio(tmp_path / "Real Band - Real Song.flac", seconds=7.3, sample_rate=44100, channels=2)
    true_duration = sf.info(path).frames / 44100

    track_id = upload(listener_client, path)
    status = wait_for(lambda: final_status(listener_client, track_id), timeout=ANALYSIS_TIMEOUT_S)

    assert status["status"] == "analyzed", worker_log(tmp_path)
    assert abs(status["duration_s"] - true_duration) < 0.050
    track = Track.objects.get(pk=track_id)
    assert track.loudness_lufs is not None and len(track.waveform) > 0
    assert Path(track.audio_file.path).read_bytes() == path.read_bytes()


def test_a_corrupt_upload_fails_with_a_code_and_the_file_is_kept(
    celery_worker_process, listener_client, tmp_path
):
    # The header and first seconds decode, so the upload's decode probe accepts it; the rest is garbage.
    path = corrupt_tail(write_audio(tmp_path / "damaged.flac", seconds=20.0), keep_fraction=0.5)

    track_id = upload(listener_client, path)
    status = wait_for(lambda: final_status(listener_client, track_id), timeout=ANALYSIS_TIMEOUT_S)

    assert status["status"] == "failed", worker_log(tmp_path)
    assert status["error_code"] == "undecodable"
    assert status["error_detail"]
    track = Track.objects.get(pk=track_id)
    assert Path(track.audio_file.path).read_bytes() == path.read_bytes()
