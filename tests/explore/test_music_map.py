"""The music map: computed from the embeddings (UMAP), served filtered to what the user may see, with
likes, and a lasso's tracks; the task runs on a real worker and the signal schedules it."""

from __future__ import annotations

import numpy as np
import pytest

from catalog.models import TrackEmbedding
from recommender.explore.models import MusicMap
from recommender.explore.music_map import compute_map, current_map
from recommender.explore.tasks import compute_music_map
from recommender.subsonic import signals_adapter
from tests.explore.catalogue import MODEL_VERSION, build_catalogue
from tests.factories import UserFactory
from tests.waiting import wait_for

MOODS = ["calm", "energetic", "sad"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def listener(db):
    return UserFactory(username="ada")


def test_umap_keeps_clusters_apart(db):
    tracks, labels = build_catalogue(60, MOODS)
    music_map = compute_map(MODEL_VERSION)
    assert music_map.layout == "umap" and music_map.track_count == 60 and not music_map.stale
    coords = np.array([[p[1], p[2]] for p in music_map.points])
    assert coords.min() >= 0 and coords.max() <= 1
    families = {p[0]: p[3] for p in music_map.points}
    assert families[tracks[0].pk] == "calm" and families[tracks[1].pk] == "powerful"
    order = {p[0]: i for i, p in enumerate(music_map.points)}
    labels = np.array([labels[[t.pk for t in tracks].index(p[0])] for p in music_map.points])
    centres = np.array([coords[labels == k].mean(axis=0) for k in range(3)])
    spread = max(np.linalg.norm(coords[labels == k] - centres[k], axis=1).mean() for k in range(3))
    gaps = min(np.linalg.norm(centres[a] - centres[b]) for a in range(3) for b in range(a + 1, 3))
    assert gaps > 2 * spread, (gaps, spread)
    assert len(order) == 60


def test_small_catalogues_fall_back_to_pca(db):
    build_catalogue(8, MOODS)
    assert compute_map(MODEL_VERSION).layout == "pca"


def test_points_json_shows_only_visible_tracks_and_likes(client, listener, db):
    owner = UserFactory(username="bob")
    tracks, _ = build_catalogue(12, MOODS, owner=owner, private_every=4)
    compute_map(MODEL_VERSION)
    signals_adapter.star(listener, [tracks[1], tracks[2]])
    client.force_login(listener)
    body = client.get("/map/points.json").json()
    ids = {p["id"] for p in body["points"]}
    assert ids == {t.pk for i, t in enumerate(tracks) if i % 4}  # private ones (0, 4, 8) are hidden
    assert "Calm 0" not in str(body)
    assert set(body["liked"]) == {tracks[1].pk, tracks[2].pk} and body["liked_centre"] is not None
    first = next(p for p in body["points"] if p["id"] == tracks[1].pk)
    assert (first["family"], first["moods"], first["title"]) == ("powerful", ["energetic"], "Energetic 1")
    client.force_login(owner)
    assert len(client.get("/map/points.json").json()["points"]) == 12


def test_region_returns_the_tracks_inside_the_lasso(client, db):
    tracks, _ = build_catalogue(12, MOODS)
    music_map = compute_map(MODEL_VERSION)
    left = sorted(music_map.points, key=lambda p: p[1])[:4]
    x_cut = (left[-1][1] + sorted(music_map.points, key=lambda p: p[1])[4][1]) / 2
    polygon = [[-0.1, -0.1], [x_cut, -0.1], [x_cut, 1.1], [-0.1, 1.1]]
    response = client.post("/map/region.json", {"polygon": polygon}, content_type="application/json")
    found = response.json()["tracks"]
    assert {t["id"] for t in found} == {p[0] for p in left}
    assert found[0]["audio"] == f"/tracks/{found[0]['id']}/audio"
    bad = client.post("/map/region.json", {"polygon": "x"}, content_type="application/json")
    assert bad.status_code == 400


def test_no_map_yet_is_a_clear_404(client, db):
    response = client.get("/map/points.json")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_ready"
    assert client.get("/map/").status_code == 200


def test_saving_an_embedding_schedules_one_refresh(db, django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr(compute_music_map, "apply_async", lambda **kwargs: sent.append(kwargs))
    build_catalogue(5, MOODS)  # bulk_create sends no signals: save rows one by one like the analysis
    with django_capture_on_commit_callbacks(execute=True):
        for embedding in TrackEmbedding.objects.all()[:3]:
            embedding.save()
    assert [call["args"] for call in sent] == [[MODEL_VERSION]]  # three saves, one computation
    assert MusicMap.objects.get(model_version=MODEL_VERSION).stale
    compute_map(MODEL_VERSION)
    with django_capture_on_commit_callbacks(execute=True):
        TrackEmbedding.objects.first().save()
    assert len(sent) == 2  # a change after the computation schedules the next one


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_task_computes_the_map_on_a_real_worker(celery_worker_process, client):
    from catalog.services.taxonomy import load_taxonomy

    load_taxonomy()
    build_catalogue(10, MOODS)
    compute_music_map.apply_async(args=[MODEL_VERSION], queue="index")
    wait_for(lambda: current_map(MODEL_VERSION), timeout=120)
    assert len(client.get("/map/points.json").json()["points"]) == 10
