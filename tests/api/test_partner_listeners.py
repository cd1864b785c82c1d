"""Partner-managed listeners over the API: events in, profile out, erasure; another partner's listener is
always a 404."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from catalog.choices import Visibility
from recommender.api.models import PartnerListener, Scope
from recommender.models import ListenerProfile, ListeningEvent, Playlist
from tests.api.catalogue import analysed_track

pytestmark = pytest.mark.django_db


def events_url(external_id: str) -> str:
    return f"/api/v1/listeners/{external_id}/events"


def profile_url(external_id: str) -> str:
    return f"/api/v1/listeners/{external_id}/profile"


def likes(track_ids) -> dict:
    return {"events": [{"track": t, "kind": "like"} for t in track_ids]}


def test_liking_calm_tracks_makes_calm_the_prevalent_family(known, api):
    calm = known.of("calm")
    batch = likes(calm[:5])
    batch["events"] += [
        {"track": calm[5], "kind": "play", "fraction": 1.0},
        {"track": known.of("aggressive")[0], "kind": "skip", "fraction": 0.1},
        {"track": known.of("aggressive")[1], "kind": "dislike", "fraction": 0.4},  # fraction ignored
    ]
    response = api.post(events_url("fan-1"), batch, format="json")
    assert response.status_code == 201, response.json()
    assert response.json() == {"recorded": 8, "signal_count": 8}

    profile = api.get(profile_url("fan-1"))
    assert profile.status_code == 200
    body = profile.json()
    assert body["listener"] == "fan-1" and body["signal_count"] == 8 and body["model_version"]
    assert body["prevalent_family"] == "calm"
    calm_row = next(f for f in body["families"] if f["name"] == "calm")
    assert calm_row["share"] > calm_row["prior"] + 0.1 and calm_row["lift"] > 1
    assert next(f for f in body["families"] if f["name"] == "aggressive")["share"] == 0
    assert body["top_genres"][0]["name"] == "ambient"  # the catalogue's calm tracks are ambient
    assert body["portrait"]["family"] == "calm"
    assert body["portrait"]["text"].startswith("Your mood is predominantly Calm")
    assert all(s["moods"] for s in body["portrait"]["sentences"])

    # The listener's next playlist leans on the profile, and never brings back the disliked track.
    playlist = api.post(
        "/api/v1/playlists",
        {"moods": {"calm": 1.0, "aggressive": 1.0}, "listener": "fan-1", "constraints": {"length": 20}},
        format="json",
    ).json()
    ids = [item["track"]["id"] for item in playlist["items"]]
    assert known.of("aggressive")[1] not in ids
    assert any("you liked 5 calm tracks" in item["reason"] for item in playlist["items"])


def test_a_retried_batch_with_the_same_idempotency_key_is_recorded_once(known, api):
    batch = likes(known.of("joyful")[:3])
    first = api.post(events_url("fan-2"), batch, format="json", HTTP_IDEMPOTENCY_KEY="batch-1")
    again = api.post(events_url("fan-2"), batch, format="json", HTTP_IDEMPOTENCY_KEY="batch-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert ListeningEvent.objects.count() == 3
    other = api.post(
        events_url("fan-2"), likes(known.of("sad")[:1]), format="json", HTTP_IDEMPOTENCY_KEY="batch-1"
    )
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"


@pytest.mark.parametrize(
    ("events", "field"),
    [
        ({"events": []}, "events"),
        ({}, "events"),
        ({"events": [{"track": 1, "kind": "love"}]}, "events"),
        ({"events": [{"track": 1, "kind": "play", "fraction": 1.5}]}, "events"),
        ({"events": [{"kind": "like"}]}, "events"),
        ({"events": [{"track": "one", "kind": "like"}]}, "events"),
        ({"events": [{"track": 1, "kind": "like"}] * 501}, "events"),
        ({"events": [{"track": 1, "kind": "like", "at": "2026-01-01"}]}, "events"),
    ],
)
def test_malformed_batches_are_400(known, api, events, field):
    response = api.post(events_url("fan-3"), events, format="json")
    assert response.status_code == 400 and field in response.json()["errors"], response.json()
    assert not ListeningEvent.objects.exists()


def test_one_refused_event_refuses_the_whole_batch_naming_it(known, api, other_partner):
    theirs = analysed_track(owner=other_partner.user, visibility=Visibility.PRIVATE)
    batch = likes([known.of("calm")[0], theirs.pk])
    response = api.post(events_url("fan-4"), batch, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith("events[1]:") and "1" in body["errors"]["events"]
    assert not ListeningEvent.objects.exists() and not ListenerProfile.objects.exists()
    bad_id = api.post(events_url("has space"), likes(known.of("calm")[:1]), format="json")
    assert bad_id.status_code == 400


def test_another_partners_listener_is_always_404(known, api, other_api):
    api.post(events_url("shared-id"), likes(known.of("calm")[:2]), format="json")
    assert other_api.get(profile_url("shared-id")).status_code == 404
    assert other_api.delete("/api/v1/listeners/shared-id").status_code == 404
    assert api.get(profile_url("nobody")).status_code == 404
    # The same id sent by the other partner is another person: it never touches ours.
    other_api.post(events_url("shared-id"), likes(known.of("dark")[:3]), format="json")
    assert api.get(profile_url("shared-id")).json()["prevalent_family"] == "calm"
    assert other_api.get(profile_url("shared-id")).json()["prevalent_family"] == "dark"
    assert PartnerListener.objects.filter(external_id="shared-id").count() == 2


def test_delete_erases_events_profile_playlists_and_the_account(known, api, partner):
    api.post(events_url("leaving"), likes(known.of("tender")[:3]), format="json")
    api.post("/api/v1/playlists", {"moods": {"tender": 1}, "listener": "leaving"}, format="json")
    listener = PartnerListener.objects.get(partner=partner, external_id="leaving")
    user_id = listener.user_id
    assert Playlist.objects.filter(owner_id=user_id).exists()
    response = api.delete("/api/v1/listeners/leaving")
    assert response.status_code == 204
    assert not ListeningEvent.objects.filter(user_id=user_id).exists()
    assert not ListenerProfile.objects.filter(user_id=user_id).exists()
    assert not Playlist.objects.filter(owner_id=user_id).exists()
    assert not get_user_model().objects.filter(pk=user_id).exists()
    assert not PartnerListener.objects.filter(pk=listener.pk).exists()
    assert api.get(profile_url("leaving")).status_code == 404
    assert api.delete("/api/v1/listeners/leaving").status_code == 404
    assert partner.user.__class__.objects.filter(pk=partner.user_id).exists()  # the partner stays


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", events_url("fan-9")),
        ("get", profile_url("fan-9")),
        ("delete", "/api/v1/listeners/fan-9"),
    ],
)
def test_listener_endpoints_need_the_profiles_scope(partner, make_client, method, path):
    data = {"events": [{"track": 1, "kind": "like"}]} if method == "post" else None
    anonymous = getattr(APIClient(), method)(path, data, format="json")
    assert anonymous.status_code == 401
    no_profiles = make_client(partner, scopes=[Scope.CATALOG_READ, Scope.PLAYLISTS])
    refused = getattr(no_profiles, method)(path, data, format="json")
    assert refused.status_code == 403 and "'profiles'" in refused.json()["detail"]
    assert not PartnerListener.objects.exists()


def test_a_listener_known_only_from_a_playlist_has_an_empty_profile(known, api):
    api.post("/api/v1/playlists", {"moods": {"calm": 1}, "listener": "new-fan"}, format="json")
    body = api.get(profile_url("new-fan")).json()
    assert body["signal_count"] == 0 and body["prevalent_family"] is None and body["portrait"] is None
    assert all(f["share"] == 0 for f in body["families"]) and body["top_genres"] == []
