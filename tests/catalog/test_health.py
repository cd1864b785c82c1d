"""GET /healthz: 200 with every dependency "ok" (and the pgvector version), 503 naming what is broken."""

import pytest
from django.urls import reverse

from recommender.celery import app

pytestmark = pytest.mark.django_db


def test_healthy_instance_reports_each_dependency(client):
    response = client.get(reverse("healthz"))

    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert (body["database"], body["broker"], body["media"]) == ("ok", "ok", "ok")
    assert body["pgvector"].split(".")[0].isdigit()  # the installed extension's version, e.g. "0.8.1"
    assert body["broker_url"].startswith(app.conf.broker_url)  # which broker, and why it was chosen


def test_unreachable_broker_gives_503(client, monkeypatch):
    monkeypatch.setitem(app.conf, "broker_url", "redis://127.0.0.1:1/0")

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["broker"].startswith("error: ")
    assert response.json()["database"] == "ok"


def test_unwritable_media_root_gives_503(client, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = blocker

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert "not writable" in response.json()["media"]
