"""POST /tracks (multipart, batches, Idempotency-Key) and GET /jobs."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.db import connection
from django.test import TestCase

from catalog.choices import TrackErrorCode, TrackStatus, Visibility
from catalog.models import Track
from catalog.services.analysis import fail
from recommender.api.models import AnalysisJob, IdempotencyRecord, Scope
from tests.catalog.audio import write_audio

pytestmark = pytest.mark.django_db

TRACKS = "/api/v1/tracks"


@pytest.fixture
def song(tmp_path) -> Path:
    return write_audio(tmp_path / "upload" / "Lena - Quiet Harbour.wav", seconds=2.0)


def stored_files(media_root: Path) -> list[Path]:
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def upload(api, *paths: Path, **headers):
    handles = [path.open("rb") for path in paths]
    try:
        return api.post(TRACKS, {"file": handles}, format="multipart", **headers)
    finally:
        for handle in handles:
            handle.close()


def test_upload_returns_a_queued_job_for_a_private_track_owned_by_the_partner(api, partner, song, media_root):
    response = upload(api, song)
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["rejected"] == [] and len(body["jobs"]) == 1
    job = body["jobs"][0]
    assert job["status"] == "queued" and job["progress"] == 0.0
    track = Track.objects.get(pk=job["track"]["id"])
    assert track.owner == partner.user and track.visibility == Visibility.PRIVATE
    assert len(stored_files(media_root)) == 1
    assert AnalysisJob.objects.get(pk=job["id"]).partner == partner


def test_job_status_follows_the_analysis_and_freezes_when_it_ends(api, song):
    job_id = upload(api, song).json()["jobs"][0]["id"]
    job = api.get(f"/api/v1/jobs/{job_id}").json()
    assert job["status"] == "queued"
    Track.objects.filter(api_jobs__id=job_id).update(status=TrackStatus.ANALYZING)
    job = api.get(f"/api/v1/jobs/{job_id}").json()
    assert (job["status"], job["progress"]) == ("running", 0.5)
    track_id = job["track"]["id"]
    with TestCase.captureOnCommitCallbacks(execute=True):  # fail() announces once its transaction commits
        fail(track_id, TrackErrorCode.UNDECODABLE, "decoder said no at /tmp/x")
    job = api.get(f"/api/v1/jobs/{job_id}").json()
    assert job["status"] == "failed" and job["progress"] == 1.0 and job["finished_at"]
    assert job["error"] == {"code": "undecodable", "message": "The audio could not be decoded"}
    Track.objects.filter(pk=track_id).update(status=TrackStatus.PENDING, error_code="")  # an editor re-queues
    assert api.get(f"/api/v1/jobs/{job_id}").json()["status"] == "failed"


def test_jobs_list_and_another_partners_job_is_404(api, other_api, song):
    job_id = upload(api, song).json()["jobs"][0]["id"]
    assert [j["id"] for j in api.get("/api/v1/jobs").json()["results"]] == [job_id]
    assert other_api.get("/api/v1/jobs").json()["results"] == []
    response = other_api.get(f"/api/v1/jobs/{job_id}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert api.get("/api/v1/jobs/00000000-0000-0000-0000-000000000000").status_code == 404


def test_batch_upload_reports_refused_files_beside_the_jobs(api, song, tmp_path):
    other = write_audio(tmp_path / "b" / "second.flac", seconds=2.0, frequency=330.0)
    text = tmp_path / "notes.txt"
    text.write_text("not audio")
    response = upload(api, song, other, text)
    assert response.status_code == 202
    body = response.json()
    assert len(body["jobs"]) == 2
    assert body["rejected"] == [
        {
            "file": "notes.txt",
            "code": "unsupported_format",
            "detail": body["rejected"][0]["detail"],
            "track_id": None,
        }
    ]


def test_all_files_refused_is_422_with_reasons(api, song):
    assert upload(api, song).status_code == 202
    response = upload(api, song)  # the same bytes again, without an Idempotency-Key
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "upload_refused" and body["rejected"][0]["code"] == "duplicate"
    assert body["rejected"][0]["track_id"] is not None  # the partner's own track: it may see which


def test_idempotency_key_replay_returns_the_same_job_and_stores_one_file(api, song, media_root):
    first = upload(api, song, HTTP_IDEMPOTENCY_KEY="batch-42")
    second = upload(api, song, HTTP_IDEMPOTENCY_KEY="batch-42")
    assert first.status_code == second.status_code == 202
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert AnalysisJob.objects.count() == 1 and Track.objects.count() == 1
    assert len(stored_files(media_root)) == 1


def test_idempotency_key_reused_for_another_request_is_422(api, song, tmp_path):
    other = write_audio(tmp_path / "c" / "other.wav", seconds=2.0, frequency=550.0)
    assert upload(api, song, HTTP_IDEMPOTENCY_KEY="k1").status_code == 202
    response = upload(api, other, HTTP_IDEMPOTENCY_KEY="k1")
    assert response.status_code == 422 and response.json()["code"] == "idempotency_key_reused"
    assert Track.objects.count() == 1


def test_keys_are_per_client(api, other_api, song, tmp_path):
    other = write_audio(tmp_path / "d" / "theirs.wav", seconds=2.0, frequency=660.0)
    assert upload(api, song, HTTP_IDEMPOTENCY_KEY="same").status_code == 202
    assert upload(other_api, other, HTTP_IDEMPOTENCY_KEY="same").status_code == 202
    assert IdempotencyRecord.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_create_one_track(partner, make_client, song, media_root, taxonomy):
    """Two retries racing: the second waits on the key's row and replays the first's answer."""
    clients = [make_client(partner), make_client(partner)]
    results = []

    def send(client):
        try:
            results.append(upload(client, song, HTTP_IDEMPOTENCY_KEY="race"))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(r.status_code for r in results) == [202, 202]
    assert results[0].json()["jobs"][0]["id"] == results[1].json()["jobs"][0]["id"]
    assert Track.objects.count() == 1 and len(stored_files(media_root)) == 1


@pytest.mark.parametrize(("data", "field"), [({}, "file"), ({"visibility": "everyone"}, "visibility")])
def test_upload_bad_fields_are_400(api, song, data, field):
    with song.open("rb") as handle:
        payload = {**data, "file": handle} if "visibility" in data else data
        response = api.post(TRACKS, payload, format="multipart")
    assert response.status_code == 400 and field in response.json()["errors"]


def test_upload_needs_catalog_write(partner, make_client, song):
    reader = make_client(partner, scopes=[Scope.CATALOG_READ])
    response = upload(reader, song)
    assert response.status_code == 403 and "catalog:write" in response.json()["detail"]
    assert Track.objects.count() == 0


def test_public_upload(api, song):
    with song.open("rb") as handle:
        response = api.post(TRACKS, {"file": handle, "visibility": "public"}, format="multipart")
    assert response.status_code == 202
    assert Track.objects.get().visibility == Visibility.PUBLIC


@pytest.mark.django_db(transaction=True)
def test_the_analysis_is_queued_only_once_the_job_exists(partner, make_client, song, taxonomy, monkeypatch):
    """Otherwise a fast worker could finish the track before its job exists, and no webhook would go."""
    job_existed = []
    monkeypatch.setattr(
        "catalog.services.ingest.enqueue_analysis",
        lambda track_id: job_existed.append(AnalysisJob.objects.filter(track_id=track_id).exists()),
    )
    assert upload(make_client(partner), song).status_code == 202
    assert job_existed == [True]
