"""An oversized upload is refused while it streams: the request body is not read (nor written) whole."""

from __future__ import annotations

import io

import pytest
from django.test.client import BOUNDARY, MULTIPART_CONTENT, FakePayload, encode_multipart
from django.urls import reverse

from catalog.models import Track
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


class CountingPayload(FakePayload):
    """The request body as the WSGI server hands it over, counting what Django actually reads."""

    def __init__(self, content: bytes) -> None:
        super().__init__(content)
        self.bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        data = super().read(size)
        self.bytes_read += len(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        data = super().readline(size)
        self.bytes_read += len(data)
        return data


def test_an_oversized_upload_is_refused_before_it_is_read_whole(client, settings, tmp_path):
    settings.MOODMIX = {**settings.MOODMIX, "UPLOAD_MAX_BYTES": 1 * MB}
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024  # larger parts would go to a temporary file
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    client.force_login(UserFactory())
    upload = io.BytesIO(b"\0" * (20 * MB))
    upload.name = "huge.flac"
    body = encode_multipart(BOUNDARY, {"files": upload})
    payload = CountingPayload(body)

    response = client.generic(
        "POST",
        reverse("catalog:upload"),
        body,
        content_type=MULTIPART_CONTENT,
        HTTP_ACCEPT="application/json",
        **{"wsgi.input": payload},
    )

    assert response.status_code == 413, (response.content, payload.bytes_read)
    [result] = response.json()["results"]
    assert (result["ok"], result["error"]["code"]) == (False, "too_large")
    assert payload.bytes_read < 2 * MB  # stopped at the limit, not after 20 MB
    assert list(tmp_path.iterdir()) == []  # the temporary spool file is gone, and it never held 20 MB
    assert not Track.objects.exists()


def test_a_file_under_the_limit_still_reaches_ingest(client, settings):
    settings.MOODMIX = {**settings.MOODMIX, "UPLOAD_MAX_BYTES": 1 * MB}
    client.force_login(UserFactory())
    upload = io.BytesIO(b"not audio" * 100)
    upload.name = "small.flac"

    response = client.post(reverse("catalog:upload"), {"files": upload}, HTTP_ACCEPT="application/json")

    [result] = response.json()["results"]
    assert result["error"]["code"] == "not_audio"  # judged by ingest, not by the size handler
