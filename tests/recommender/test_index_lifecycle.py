"""The index lifecycle: debounced rebuild requests after analyses, the Celery task on a real worker,
and `manage.py index status|rebuild`."""

from __future__ import annotations

import json
import os
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from catalog.models import TrackEmbedding
from recommender.celery import app
from recommender.services import similarity_index
from recommender.services.similarity_index import MARKER, index_store, request_rebuild
from tests.factories import TrackFactory
from tests.recommender.similarity_fixtures import MODEL_VERSION, embed, make_catalogue
from tests.waiting import wait_for


@pytest.fixture
def queued(monkeypatch):
    """Record the rebuilds request_rebuild queues instead of sending them (the worker test sends)."""
    from recommender import tasks

    calls = []
    monkeypatch.setattr(tasks.rebuild_index, "apply_async", lambda **kw: calls.append(kw))
    return calls


def test_requests_are_debounced_until_the_rebuild_starts(index_dir, queued):
    assert request_rebuild() is True
    assert queued == [{"countdown": similarity_index.DEBOUNCE_S}]
    assert request_rebuild() is False and request_rebuild() is False
    assert len(queued) == 1
    similarity_index.clear_rebuild_request()  # what the task does first
    assert request_rebuild() is True and len(queued) == 2


def test_a_lost_request_is_taken_over(index_dir, queued):
    assert request_rebuild() is True
    marker = index_dir / MARKER
    old = time.time() - 10 * similarity_index.DEBOUNCE_S
    os.utime(marker, (old, old))
    assert request_rebuild() is True and len(queued) == 2


@pytest.mark.django_db
def test_an_embedding_written_requests_a_rebuild_after_commit(queued, django_capture_on_commit_callbacks):
    track = TrackFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        embed(track, [1.0] * 128)
    assert queued == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert len(queued) == 1


@pytest.mark.django_db
def test_index_status_and_rebuild_commands():
    out = StringIO()
    call_command("index", "status", stdout=out)
    assert "no index file yet" in out.getvalue()
    make_catalogue(25)
    TrackEmbedding.objects.update(embedded_at=timezone.now() - timedelta(hours=1))
    out, err = StringIO(), StringIO()
    call_command("index", "rebuild", "--trees", "5", stdout=out, stderr=err)
    assert "built:" in out.getvalue() and "25 items of moodmix-test-v1" in out.getvalue()
    assert "25/25" in err.getvalue()  # the progress bar reached the end
    embed(TrackFactory(), [0.5] * 128)
    out = StringIO()
    call_command("index", "status", stdout=out)
    text = out.getvalue()
    for expected in (
        "model version:   moodmix-test-v1",
        "items:           25 vectors of 128",
        "MiB",
        "ago",
        "26 embeddings of moodmix-test-v1, 1 newer than the file",
        "in use:          yes",
    ):
        assert expected in text, text
    out = StringIO()
    call_command("index", "rebuild", stdout=out)
    assert "built:" in out.getvalue() and "26 items" in out.getvalue()


@pytest.fixture
def worker_index_dir(monkeypatch, tmp_path, settings):
    folder = tmp_path / "worker-index"
    monkeypatch.setenv("MOODMIX_SIMILARITY_INDEX_DIR", str(folder))
    settings.MOODMIX = {**settings.MOODMIX, "SIMILARITY_INDEX_DIR": str(folder)}
    similarity_index._stores.clear()
    return folder


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_rebuilds_and_this_process_picks_the_file_up(worker_index_dir, celery_worker_process):
    tracks, vectors = make_catalogue(20)
    TrackEmbedding.objects.update(embedded_at=timezone.now() - timedelta(hours=1))
    app.send_task("catalog.rebuild_index", kwargs={"force": True})
    wait_for(lambda: (worker_index_dir / "CURRENT").exists(), timeout=60)
    manifest = json.loads((worker_index_dir / "CURRENT").read_text())
    assert manifest["items"] == 20 and manifest["metadata"]["model_version"] == MODEL_VERSION
    from django.contrib.auth.models import AnonymousUser

    from recommender.services.similarity import search

    answer = search(vectors[3], user=AnonymousUser(), model_version=MODEL_VERSION, k=3)
    assert answer.backend == "annoy" and answer.neighbours[0].track_id == tracks[3].pk
    first = index_store().current().manifest.build
    # A second rebuild after new analyses: this process follows the new file without a restart.
    newcomer = TrackFactory()
    embed(newcomer, vectors[3])
    TrackEmbedding.objects.update(embedded_at=timezone.now() - timedelta(hours=1))
    app.send_task("catalog.rebuild_index")
    wait_for(lambda: index_store().current().manifest.build != first, timeout=60)
    assert newcomer.pk in index_store().current().index.idmap.ids.tolist()
