"""The hostile corpus's *accepted* uploads through a real Celery worker: each ends ``analyzed`` or ``failed``
with a stable code (never ``internal``), each task is received once (no redelivery loop) and the worker is
still alive at the end (no crash loop). Uploaded through the real view, analysed by a real worker process,
on Redis and on the filesystem broker.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from catalog.choices import TrackStatus
from catalog.models import Track
from catalog.services.taxonomy import load_taxonomy
from tests.factories import UserFactory
from tests.security.hostile import _huge_header, render
from tests.waiting import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
ANALYSIS_TIMEOUT_S = 300  # the worker's first analysis imports torch/librosa on a shared, loaded machine


def _flipped(data: bytes) -> bytes:
    damaged = bytearray(data)
    for at in range(len(damaged) // 3, len(damaged), 997):
        damaged[at] ^= 0x5A
    return bytes(damaged)


def _truncated(data: bytes, keep: float) -> bytes:
    return data[: int(keep * len(data))]


CORPUS = {
    "silent.wav": render("silent", "wav", 2.5, 22050, 1),
    "clipped-6ch.flac": render("clipped", "flac", 2.5, 48000, 6),
    "odd-rate.wav": render("noise", "wav", 2.5, 7350, 2),
    "huge-header.wav": _huge_header(render("sine", "wav", 2.5, 12345, 2), "wav"),
    "bit-flipped.flac": _flipped(render("sine", "flac", 2.5, 44100, 2)),
    "truncated.ogg": render("noise", "ogg", 2.5, 44100, 1)[
        : int(0.7 * len(render("noise", "ogg", 2.5, 44100, 1)))
    ],
    "hi-rate-6ch.wav": render("sine", "wav", 1.2, 96000, 6),
}


@pytest.fixture(autouse=True)
def shared_media():
    """The worker reads the test settings' MEDIA_ROOT: clean what this test adds there."""
    load_taxonomy()
    root = Path(settings.MEDIA_ROOT)
    before = set(root.rglob("*")) if root.exists() else set()
    yield
    for path in sorted(set(root.rglob("*")) - before, reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


def test_accepted_hostile_uploads_end_analyzed_or_failed_with_a_code(
    each_broker, celery_worker_process, tmp_path
):
    client = Client()
    client.force_login(UserFactory(username="fuzzer"))
    accepted: dict[int, str] = {}
    for name, data in CORPUS.items():
        (tmp_path / name).write_bytes(data)
        with (tmp_path / name).open("rb") as handle:
            response = client.post(
                reverse("catalog:upload"), {"files": handle}, HTTP_ACCEPT="application/json"
            )
        assert response.status_code in (201, 400), (name, response.status_code)
        [result] = response.json()["results"]
        if result["ok"]:
            accepted[result["track"]["id"]] = name
    assert len(accepted) >= 5, accepted  # the corpus is chosen to get past ingest: the worker must see it

    def all_final():
        tracks = list(Track.objects.filter(pk__in=accepted))
        return tracks if all(t.status in (TrackStatus.ANALYZED, TrackStatus.FAILED) for t in tracks) else None

    log = tmp_path / "worker.log"
    assert f"transport:   {each_broker.split('/')[0]}" in log.read_text()  # the worker is on that broker
    tracks = wait_for(all_final, timeout=ANALYSIS_TIMEOUT_S)
    outcome = {accepted[t.pk]: (t.status, t.error_code) for t in tracks}
    for track in tracks:
        if track.status == TrackStatus.FAILED:
            assert track.error_code and track.error_code != "internal", (outcome, log.read_text()[-3000:])
        assert Path(track.audio_file.path).is_file()
    assert celery_worker_process.poll() is None, log.read_text()[-3000:]  # alive: no crash
    received = re.findall(r"Task catalog\.analyze_track\[[^\]]+\] received", log.read_text())
    assert len(received) == len(accepted), (len(received), outcome)  # each once: no redelivery loop
    print("worker outcomes:", outcome)
