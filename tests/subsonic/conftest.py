"""A small catalogue for the Subsonic tests: tracks on an arc of the embedding sphere (so nearest
neighbours and sonic paths are known in advance), moods, one listener with a Subsonic password, and a
second listener's private track placed where it would be the best answer if it leaked."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import libsonic
import numpy as np
import pytest

from catalog.choices import Visibility
from catalog.models import Mood, TagSource, Track, TrackEmbedding, TrackMood
from catalog.models.analysis import EMBEDDING_DIMENSIONS
from catalog.services.taxonomy import load_taxonomy
from recommender.subsonic.credentials import reset_api_key, reset_password, subsonic_credential
from tests.factories import ArtistFactory, TrackFactory, UserFactory

MODEL_VERSION = "test-v1"
ARC_TRACKS = 8
AUDIO_BYTES = bytes(range(256)) * 64  # 16 KiB whose every byte says where it is: ranges are checkable


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def arc_vector(theta: float) -> list[float]:
    vector = np.zeros(EMBEDDING_DIMENSIONS)
    vector[0], vector[1] = math.cos(theta), math.sin(theta)
    return vector.tolist()


def arc_angle(i: int) -> float:
    return i * (math.pi / 2) / (ARC_TRACKS - 1)


@dataclass
class Catalogue:
    listener: object
    password: str
    api_key: str
    arc: list[Track]
    private: Track
    other: object


@pytest.fixture
def catalogue(transactional_db) -> Catalogue:
    load_taxonomy()  # transactional tests start from an empty database, taxonomy included
    listener = UserFactory(username="ada")
    credential = subsonic_credential(listener)
    password, api_key = reset_password(credential), reset_api_key(credential)
    other = UserFactory(username="bob")
    artist = ArtistFactory(name="Arc Ensemble")
    moods = [Mood.objects.moods().get(name="calm"), Mood.objects.moods().get(name="energetic")]
    arc = []
    for i in range(ARC_TRACKS):
        track = TrackFactory(
            title=f"Step {i}",
            artist=artist,
            album="Quarter Circle" if i < 4 else "Second Quarter",
            audio_file__data=AUDIO_BYTES,
            genre_tag="ambient",
        )
        TrackEmbedding.objects.create(
            track=track, vector=arc_vector(arc_angle(i)), model_version=MODEL_VERSION
        )
        TrackMood.objects.create(
            track=track,
            mood=moods[i * 2 // ARC_TRACKS],
            source=TagSource.MODEL,
            score=0.9,
            model_version=MODEL_VERSION,
        )
        arc.append(track)
    # Bob's private track sits exactly between steps 1 and 2 and beside step 0: any leak shows.
    private = TrackFactory(
        title="Secret Demo",
        artist=ArtistFactory(name="Hidden Artist"),
        album="Unreleased",
        owner=other,
        visibility=Visibility.PRIVATE,
        audio_file__data=AUDIO_BYTES,
    )
    TrackEmbedding.objects.create(
        track=private, vector=arc_vector((arc_angle(0) + arc_angle(1)) / 2), model_version=MODEL_VERSION
    )
    return Catalogue(listener, password, api_key, arc, private, other)


def connect(live_server, username: str, password: str, **kwargs) -> libsonic.Connection:
    url = urlsplit(live_server.url)
    return libsonic.Connection(f"{url.scheme}://{url.hostname}", username, password, port=url.port, **kwargs)


class ApiKeyConnection(libsonic.Connection):
    """py-sonic with the OpenSubsonic ``apiKey`` instead of u/t/s (py-sonic 1.2.0 predates the extension:
    only the credential parameters change, the rest of the client is the library's own)."""

    def __init__(self, base_url: str, api_key: str, **kwargs) -> None:
        super().__init__(base_url, "unused", "unused", **kwargs)
        self._api_key = api_key

    def _getBaseQdict(self):  # noqa: N802 - py-sonic's name
        return {"f": "json", "v": self._apiVersion, "c": self._appName, "apiKey": self._api_key}


def connect_with_key(live_server, api_key: str) -> ApiKeyConnection:
    url = urlsplit(live_server.url)
    return ApiKeyConnection(f"{url.scheme}://{url.hostname}", api_key, port=url.port)


def call(conn: libsonic.Connection, method: str, **params) -> dict:
    """A method py-sonic has no wrapper for (the sonicSimilarity extension), sent through its own
    request builder and parser."""
    response = conn._doInfoReq(conn._getRequest(f"{method}.view", params))
    conn._checkStatus(response)
    return response
