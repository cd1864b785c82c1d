"""Hostile and broken uploads through the real upload view and ingest service (hypothesis, bounded).

Every example is POSTed to /upload/ as the page's XHR sends it. Whatever the bytes and the name, the
answer is never a 500; a refusal carries a stable code and a sentence for the uploader; an acceptance is a
track whose stored file exists under MEDIA_ROOT; and after every example no stored file lacks a track
(nothing orphaned) and nothing was written outside MEDIA_ROOT. Derandomized by default so CI is
repeatable; ``MOODMIX_FUZZ_RANDOM=1`` explores new examples locally.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings

from catalog.models import Track
from tests.factories import UserFactory
from tests.security.hostile import NOT_AUDIO, render, uploads

FUZZ_EXAMPLES = int(os.environ.get("MOODMIX_FUZZ_EXAMPLES", "100"))
RANDOM = os.environ.get("MOODMIX_FUZZ_RANDOM") == "1"
seen: dict[str, int] = {"examples": 0, "accepted": 0, "refused": 0}


BOUNDARY = "----moodmix-fuzz-boundary"


def post(client, data: bytes, name: str):
    """The multipart body written by hand, so the server sees the hostile name exactly as sent (Django's
    test client would clean it first)."""
    quoted = name.replace('"', "%22").encode("utf-8", "surrogateescape")
    body = b"".join(
        [
            f"--{BOUNDARY}\r\n".encode(),
            b'Content-Disposition: form-data; name="files"; filename="' + quoted + b'"\r\n',
            b"Content-Type: application/octet-stream\r\n\r\n",
            data,
            f"\r\n--{BOUNDARY}--\r\n".encode(),
        ]
    )
    return client.post(
        reverse("catalog:upload"),
        body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        HTTP_ACCEPT="application/json",
        HTTP_X_CSRFTOKEN=client.csrf_token,
    )


def check_storage(media: Path, outside: Path) -> None:
    stored = {p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file()}
    referenced = set(Track.objects.values_list("audio_file", flat=True))
    assert stored == referenced, f"orphans: {stored - referenced}, missing files: {referenced - stored}"
    strays = [p for p in outside.rglob("*") if not p.is_relative_to(media)]
    assert strays == [], f"written outside MEDIA_ROOT: {strays}"


def check_answer(response, name: str) -> None:
    assert response.status_code in (201, 400, 413), (response.status_code, name)
    results = response.json()["results"]
    assert len(results) == 1, (response.status_code, name, results)
    [result] = results
    seen["examples"] += 1
    if result["ok"]:
        seen["accepted"] += 1
        track = Track.objects.get(pk=result["track"]["id"])
        assert Path(track.audio_file.path).is_file()
        assert Path(track.audio_file.path).resolve().is_relative_to(Path(track.audio_file.storage.location))
        assert "/" not in track.original_filename and "\x00" not in track.original_filename
        assert len(track.original_filename) <= 255
    else:
        seen["refused"] += 1
        error = result["error"]
        assert error["code"] and error["code"] != "internal", error
        message = error["message"]
        assert len(message) > 10 and "Traceback" not in message and "/tmp" not in message, message


@pytest.fixture
def uploader(settings, tmp_path):
    root = tmp_path / "outside"
    settings.MEDIA_ROOT = root / "media"
    settings.MEDIA_ROOT.mkdir(parents=True)
    # CSRF on, as in production: the middleware parses the multipart body before the view does.
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(UserFactory(username="fuzzer"))
    client.csrf_token = str(client.get(reverse("catalog:upload")).context["csrf_token"])
    return client, settings.MEDIA_ROOT, root


@pytest.mark.django_db
@settings(
    max_examples=FUZZ_EXAMPLES,
    derandomize=not RANDOM,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(example=uploads())
def test_hostile_uploads_are_refused_clearly_or_stored_whole(uploader, example):
    client, media, outside = uploader
    data, name = example
    response = post(client, data, name)
    check_answer(response, name)
    check_storage(media, outside)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"", "empty.wav", "invalid"),  # the form refuses it first: "The submitted file is empty."
        (NOT_AUDIO[0][0], "picture.wav", "not_audio"),
        (render("sine", "wav", 0.3, 22050, 1), "short.wav", "too_short"),
        (render("sine", "wav", 2.0, 22050, 1), "song.exe", "unsupported_format"),
    ],
)
def test_known_refusals_say_why(uploader, data, name, code):
    client, media, outside = uploader
    response = post(client, data, name)
    [result] = response.json()["results"]
    assert response.status_code == 400 and result["error"]["code"] == code, result
    check_storage(media, outside)


HOSTILE_STEMS = ["../../../../etc/passwd", "a" * 240, "con\x00trol\x1b\x7f", "..", "\u202egnp"]


@pytest.mark.django_db
@pytest.mark.parametrize("stem", HOSTILE_STEMS)
def test_hostile_names_of_good_audio_are_stored_inside_media_root(uploader, stem):
    client, media, outside = uploader
    data = render("sine", "flac", 2.0, 44100, 2)
    response = post(client, data, f"{stem}.flac")
    assert response.status_code == 201, response.content
    track = Track.objects.get()
    assert "\x00" not in track.original_filename and "/" not in track.original_filename
    check_storage(media, outside)


@pytest.mark.django_db
def test_a_name_too_long_for_the_multipart_parser_is_explained_in_json(uploader):
    """Django refuses part headers over 1 KiB inside the CSRF middleware; the XHR still gets JSON."""
    client, media, outside = uploader
    response = post(client, render("sine", "wav", 2.0, 22050, 1), "ü" * 600 + ".wav")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    [result] = response.json()["results"]
    assert (
        result["error"]["code"] == "malformed_upload"
        and "file name is too long" in result["error"]["message"]
    )
    check_storage(media, outside)
