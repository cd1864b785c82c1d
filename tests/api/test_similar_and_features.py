"""GET /tracks/{id}/similar (through the similarity facade) and GET /audio-features."""

from __future__ import annotations

import pytest

from catalog.choices import TrackStatus, Visibility
from tests.api.catalogue import analysed_track, unit_vector
from tests.factories import ArtistFactory, TrackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def neighbourhood(taxonomy, other_partner):
    """A query track, two near tracks (one by the same artist), one far, and a near private one of
    another partner that must never show up."""
    base = unit_vector(1)
    artist = ArtistFactory()
    query = analysed_track(title="Query", vector=base, artist=artist)
    return {
        "query": query,
        "near": analysed_track(title="Near", vector=unit_vector(2, near=base, noise=0.05)),
        "same_artist": analysed_track(
            title="Sibling", vector=unit_vector(3, near=base, noise=0.1), artist=artist
        ),
        "far": analysed_track(title="Far", vector=unit_vector(4)),
        "private": analysed_track(
            vector=unit_vector(5, near=base, noise=0.01),
            owner=other_partner.user,
            visibility=Visibility.PRIVATE,
        ),
    }


def similar(api, track, **params):
    response = api.get(f"/api/v1/tracks/{track.pk}/similar", params)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["track"] == track.pk
    return body["results"]


def test_similar_tracks_most_similar_first_never_private_or_itself(api, neighbourhood):
    results = similar(api, neighbourhood["query"])
    titles = [row["track"]["title"] for row in results]
    assert titles == ["Near", "Sibling", "Far"]
    sims = [row["similarity"] for row in results]
    assert sims == sorted(sims, reverse=True) and sims[0] > 0.8


def test_k_and_exclude_same_artist_and_exclude_ids(api, neighbourhood):
    assert len(similar(api, neighbourhood["query"], k=1)) == 1
    titles = [r["track"]["title"] for r in similar(api, neighbourhood["query"], exclude_same_artist="true")]
    assert titles == ["Near", "Far"]
    titles = [
        r["track"]["title"] for r in similar(api, neighbourhood["query"], exclude=neighbourhood["near"].pk)
    ]
    assert titles == ["Sibling", "Far"]


@pytest.mark.parametrize(
    ("params", "field"), [({"k": 0}, "k"), ({"k": "ten"}, "k"), ({"exclude": "1,x"}, "exclude")]
)
def test_similar_bad_parameters(api, neighbourhood, params, field):
    response = api.get(f"/api/v1/tracks/{neighbourhood['query'].pk}/similar", params)
    assert response.status_code == 400 and field in response.json()["errors"]


def test_similar_of_a_private_track_of_another_partner_is_404(api, neighbourhood):
    assert api.get(f"/api/v1/tracks/{neighbourhood['private'].pk}/similar").status_code == 404


def test_an_unanalysed_track_has_no_neighbours(api, taxonomy):
    track = TrackFactory(status=TrackStatus.PENDING)
    assert similar(api, track) == []


def test_audio_features_with_spotify_names(api, taxonomy):
    track = analysed_track(valence=0.5, arousal=0.25, key="C#", mode="major", duration_s=61.5)
    response = api.get(f"/api/v1/audio-features/{track.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "audio_features" and body["id"] == track.pk
    assert body["key"] == 1 and body["mode"] == 1 and body["key_name"] == "C#"
    assert body["valence"] == 0.75 and body["valence_signed"] == 0.5 and body["arousal"] == 0.25
    assert body["duration_ms"] == 61500 and body["tempo"] == 120.0 and body["loudness"] == -14.0
    assert body["track_href"].endswith(f"/api/v1/tracks/{track.pk}")
    for spotify_only in ("acousticness", "instrumentalness", "liveness", "time_signature"):
        assert spotify_only not in body  # documented as not provided, rather than invented


def test_audio_features_many_in_order_with_nulls(api, taxonomy, other_partner):
    a, b = analysed_track(), analysed_track()
    hidden = analysed_track(owner=other_partner.user, visibility=Visibility.PRIVATE)
    pending = TrackFactory(status=TrackStatus.PENDING)
    response = api.get("/api/v1/audio-features", {"ids": f"{b.pk},{hidden.pk},{a.pk},{pending.pk},999999"})
    assert response.status_code == 200
    rows = response.json()["audio_features"]
    assert [row and row["id"] for row in rows] == [b.pk, None, a.pk, None, None]


@pytest.mark.parametrize("ids", ["", "1,two", "1,²", ",".join(str(i) for i in range(1, 102))])
def test_audio_features_bad_ids_are_400(api, taxonomy, ids):
    response = api.get("/api/v1/audio-features", {"ids": ids})
    assert response.status_code == 400 and "ids" in response.json()["errors"]


def test_audio_features_of_unanalysed_or_hidden_tracks_are_404(api, taxonomy, other_partner):
    pending = TrackFactory(status=TrackStatus.PENDING)
    hidden = analysed_track(owner=other_partner.user, visibility=Visibility.PRIVATE)
    assert api.get(f"/api/v1/audio-features/{pending.pk}").status_code == 404
    assert api.get(f"/api/v1/audio-features/{hidden.pk}").status_code == 404
