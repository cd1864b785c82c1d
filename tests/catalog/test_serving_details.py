"""Small serving details from issue 8: the admin lists never load timelines or waveforms, and every accepted
audio format is served with its audio content type (``.opus`` was ``application/octet-stream``)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.streaming import AUDIO_CONTENT_TYPES
from tests.catalog.editors import analysed_track, make_editor
from tests.factories import TrackFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "changelist", ["admin:catalog_track_changelist", "admin:catalog_reviewqueueentry_changelist"]
)
def test_admin_lists_defer_the_timeline_and_the_waveform(client, changelist):
    analysed_track({"calm": 0.9}, title="Quiet one")
    client.force_login(make_editor())

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(changelist))

    assert response.status_code == 200
    listing = [q["sql"] for q in queries.captured_queries if '"catalog_track"."title"' in q["sql"]]
    assert listing, "the list query ran"
    for sql in listing:
        assert '"timeline"' not in sql and '"waveform"' not in sql


def test_every_accepted_format_has_an_audio_content_type(settings):
    for extension in [*settings.MOODMIX["ALLOWED_FORMATS"], "m4a"]:
        assert AUDIO_CONTENT_TYPES[extension].startswith("audio/"), extension


def test_opus_is_served_as_ogg_audio(client):
    track = TrackFactory(format="opus")

    response = client.get(reverse("catalog:track-audio", args=[track.pk]))

    assert response["Content-Type"] == "audio/ogg"
