"""GET /moods and /genres; problem+json for unknown paths, wrong methods and crashes; rate limits."""

from __future__ import annotations

import time

import pytest

from catalog.models import Genre, Mood
from recommender.api.models import Scope

pytestmark = pytest.mark.django_db


def test_moods_whole_taxonomy_and_by_level(api, taxonomy):
    everything = api.get("/api/v1/moods").json()["results"]
    assert len(everything) == Mood.objects.count()
    families = api.get("/api/v1/moods", {"level": "family"}).json()["results"]
    assert {row["level"] for row in families} == {"family"} and all(row["colour"] for row in families)
    moods = api.get("/api/v1/moods", {"level": "mood"}).json()["results"]
    serene = next(row for row in moods if row["name"] == "serene")
    assert serene["parent"] == "calm" and -1 <= serene["valence"] <= 1


def test_moods_bad_level_is_400(api, taxonomy):
    response = api.get("/api/v1/moods", {"level": "galaxy"})
    assert response.status_code == 400 and "level" in response.json()["errors"]


def test_genres(api, taxonomy):
    rows = api.get("/api/v1/genres").json()["results"]
    assert len(rows) == Genre.objects.count()
    assert {"slug": "rock", "name": "rock", "parent": None}.items() <= next(
        r for r in rows if r["name"] == "rock"
    ).items()


def test_unknown_api_path_and_wrong_method_are_problems(api):
    response = api.get("/api/v1/no-such-thing")
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"
    response = api.delete("/api/v1/moods")
    assert response.status_code == 405 and response.json()["code"] == "method_not_allowed"


def test_an_unexpected_error_is_a_bare_500_problem(api, taxonomy, monkeypatch):
    from recommender.api.views import taxonomy as views

    def explode(*args, **kwargs):
        raise RuntimeError("password=hunter2 at /srv/moodmix/secret.py")

    monkeypatch.setattr(views, "MoodSerializer", explode)
    response = api.get("/api/v1/moods")
    assert response.status_code == 500 and response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "internal"
    assert "hunter2" not in response.content.decode() and "secret" not in response.content.decode()


def test_rate_limit_headers_then_429_with_retry_after(partner, make_client, taxonomy):
    api = make_client(partner, scopes=[Scope.CATALOG_READ], rate_limit=3)
    remaining = []
    for _ in range(3):
        response = api.get("/api/v1/genres")
        assert response.status_code == 200
        assert response["X-RateLimit-Limit"] == "3"
        assert 1 <= int(response["X-RateLimit-Reset"]) <= 60
        remaining.append(int(response["X-RateLimit-Remaining"]))
    assert remaining == [2, 1, 0]
    response = api.get("/api/v1/genres")
    assert response.status_code == 429 and response.json()["code"] == "throttled"
    assert response["X-RateLimit-Remaining"] == "0"
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response["Retry-After"] == response["X-RateLimit-Reset"]


def test_limits_are_per_key(partner, make_client, taxonomy):
    first = make_client(partner, scopes=[Scope.CATALOG_READ], rate_limit=1)
    second = make_client(partner, scopes=[Scope.CATALOG_READ], rate_limit=1)
    assert first.get("/api/v1/genres").status_code == 200
    assert first.get("/api/v1/genres").status_code == 429
    assert second.get("/api/v1/genres").status_code == 200


def test_a_new_window_resets_the_count(partner, make_client, taxonomy, settings):
    settings.MOODMIX_API = {"RATE_WINDOW_S": 1}
    api = make_client(partner, scopes=[Scope.CATALOG_READ], rate_limit=1)
    assert api.get("/api/v1/genres").status_code == 200
    assert api.get("/api/v1/genres").status_code == 429
    time.sleep(1.05)
    assert api.get("/api/v1/genres").status_code == 200
