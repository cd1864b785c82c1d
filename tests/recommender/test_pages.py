"""The listener's pages over HTTP: accounts, generator, player, profile, and who may see what."""

from __future__ import annotations

import json
import re

import pytest
from django.core import mail
from django.urls import reverse

from recommender.models import ListeningEvent, Playlist
from recommender.services.playlists import PlaylistRequest, generate, save_playlist

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada_client(client, ada):
    client.force_login(ada)
    return client


def test_sign_up_logs_in_and_opens_the_generator(client):
    response = client.post(
        reverse("recommender:signup"),
        {
            "username": "eve",
            "email": "eve@example.org",
            "password1": "a long passphrase 42",
            "password2": "a long passphrase 42",
        },
    )
    assert response.status_code == 302 and response.url == reverse("recommender:mix")
    page = client.get(reverse("recommender:mix"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="chip" data-family="calm" style="--chip: #6BAF92"' in html
    assert 'name="style_jazz"' in html and 'name="diversity"' in html and 'name="journey_from"' in html


def test_password_reset_sends_a_link(client, ada):
    response = client.post(reverse("password_reset"), {"email": ada.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "/accounts/reset/" in mail.outbox[0].body


def test_pages_need_a_login(client):
    for name in (
        "recommender:mix",
        "recommender:playlists",
        "recommender:profile",
        "recommender:profile-export",
    ):
        assert client.get(reverse(name)).status_code == 302


def test_generate_from_the_form_and_play_it(known, ada_client, ada):
    response = ada_client.post(
        reverse("recommender:mix"),
        {
            "strategy": "mood",
            "mood_calm": 100,
            "style_ambient": 40,
            "diversity": 20,
            "length": 12,
            "artist_spacing": 3,
            "personalise": "on",
        },
    )
    assert response.status_code == 302
    playlist = Playlist.objects.get(owner=ada)
    assert response.url == playlist.get_absolute_url()
    assert playlist.items.count() == 12 and not playlist.saved
    page = ada_client.get(response.url).content.decode()
    assert page.count('class="item"') == 12
    assert "matches Calm" in page and "ambient 0." in page

    track = playlist.items.first().track_id
    answer = ada_client.post(
        reverse("recommender:signal"), {"track": track, "kind": "like", "playlist": playlist.pk}
    )
    assert answer.json() == {"ok": True, "signals": 1}
    ada_client.post(reverse("recommender:signal"), {"track": track, "kind": "play", "fraction": "0.5"})
    assert ListeningEvent.objects.filter(user=ada).count() == 2

    ada_client.post(reverse("recommender:playlist-rename", args=[playlist.pk]), {"name": "Evening"})
    playlist.refresh_from_db()
    assert (playlist.name, playlist.saved) == ("Evening", True)
    assert "Evening" in ada_client.get(reverse("recommender:playlists")).content.decode()


def test_a_request_that_makes_no_playlist_says_why(known, ada_client):
    response = ada_client.post(
        reverse("recommender:mix"), {"strategy": "mood", "length": 10, "artist_spacing": 3}
    )
    assert response.status_code == 200
    assert "choose at least one mood" in response.content.decode()


def test_journey_and_seed_modes_from_the_form(known, ada_client, ada):
    ada_client.post(
        reverse("recommender:mix"),
        {
            "strategy": "journey",
            "journey_from": "tense",
            "journey_to": "calm",
            "length": 10,
            "artist_spacing": 3,
        },
    )
    seeds = ",".join(map(str, known.public.of("dreamy")[:2]))
    ada_client.post(
        reverse("recommender:mix"), {"strategy": "seed", "seeds": seeds, "length": 10, "artist_spacing": 3}
    )
    assert sorted(Playlist.objects.filter(owner=ada).values_list("strategy", flat=True)) == [
        "journey",
        "seed",
    ]


def test_the_profile_page_shows_chart_genres_portrait_and_signal_count(known, ada_client, ada):
    page = ada_client.get(reverse("recommender:profile")).content.decode()
    assert "Based on 0 signals" in page
    for track in known.public.of("calm")[:3]:
        ada_client.post(reverse("recommender:signal"), {"track": track, "kind": "like"})
    page = ada_client.get(reverse("recommender:profile")).content.decode()
    assert "Based on 3 signals" in page
    assert "Your mood is predominantly Calm" in page
    assert 'style="--family: #6BAF92"' in page
    assert re.search(r'class="family-bar" data-family="calm" data-share="(\d+)"', page)
    assert "Ambient" in page
    exported = json.loads(ada_client.get(reverse("recommender:profile-export")).content)
    assert len(exported["events"]) == 3
    ada_client.post(reverse("recommender:profile-delete"))
    assert "Based on 0 signals" in ada_client.get(reverse("recommender:profile")).content.decode()


def test_a_listener_never_sees_another_listeners_playlists_profile_or_private_tracks(known, client, ada, bob):
    bobs = save_playlist(generate(PlaylistRequest(moods={"sad": 1.0}, length=5), bob), bob, "Bob's blues")
    for track in known.public.of("sad")[:2]:
        client.force_login(bob)
        client.post(reverse("recommender:signal"), {"track": track, "kind": "like"})
    client.force_login(ada)
    assert client.get(bobs.get_absolute_url()).status_code == 404
    assert (
        client.post(reverse("recommender:playlist-rename", args=[bobs.pk]), {"name": "mine"}).status_code
        == 404
    )
    assert client.post(reverse("recommender:playlist-delete", args=[bobs.pk])).status_code == 404
    assert "Bob's blues" not in client.get(reverse("recommender:playlists")).content.decode()
    assert "Based on 0 signals" in client.get(reverse("recommender:profile")).content.decode()
    assert json.loads(client.get(reverse("recommender:profile-export")).content)["events"] == []
    # carol's private tracks: not searchable as seeds, not usable in signals
    private = known.private.of("calm")[0]
    found = client.get(reverse("recommender:seed-search"), {"q": "Calm piece 9"}).json()["tracks"]
    assert found == []
    assert client.post(reverse("recommender:signal"), {"track": private, "kind": "like"}).status_code == 400
    public_hits = client.get(reverse("recommender:seed-search"), {"q": "Calm piece 7"}).json()["tracks"]
    assert public_hits and all(t["id"] in known.public.family for t in public_hits)


def test_the_admin_lists_listener_data(known, client, ada):
    from tests.factories import UserFactory

    record = save_playlist(generate(PlaylistRequest(moods={"calm": 1.0}, length=3), ada), ada, "Admin view")
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    for name in ("listeningevent", "playlist", "listenerprofile"):
        assert client.get(reverse(f"admin:recommender_{name}_changelist")).status_code == 200
    assert client.get(reverse("admin:recommender_playlist_change", args=[record.pk])).status_code == 200
