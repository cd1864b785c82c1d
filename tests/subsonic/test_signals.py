"""star, unstar, scrobble and the playlists seam, through py-sonic."""

from __future__ import annotations

import pytest
from django.apps import apps
from libsonic.errors import DataNotFoundError, SonicError

from recommender.subsonic import signals_adapter
from recommender.subsonic.ids import track_id
from recommender.subsonic.models import Scrobble
from tests.subsonic.conftest import connect

HAS_PLAYLISTS = apps.is_installed("recommender") and any(
    m.__name__ == "Playlist" for m in apps.get_app_config("recommender").get_models()
)


@pytest.fixture
def conn(live_server, catalogue):
    return connect(live_server, "ada", catalogue.password)


def test_star_and_unstar(conn, catalogue):
    first, second = (track_id(t.pk) for t in catalogue.arc[:2])
    conn.star(sids=[first, second])
    assert set(signals_adapter.starred_track_ids(catalogue.listener)) == {t.pk for t in catalogue.arc[:2]}
    assert "starred" in conn.getSong(first)["song"]
    assert {s["id"] for s in conn.getStarred2()["starred2"]["song"]} == {first, second}
    conn.unstar(sids=[first])
    assert "starred" not in conn.getSong(first)["song"]
    assert signals_adapter.starred_track_ids(catalogue.listener) == [catalogue.arc[1].pk]


def test_starring_a_private_track_is_refused(conn, catalogue):
    with pytest.raises(DataNotFoundError):
        conn.star(sids=[track_id(catalogue.private.pk)])
    assert signals_adapter.starred_track_ids(catalogue.listener) == []


def test_scrobble_records_plays_not_now_playing(conn, catalogue):
    song = track_id(catalogue.arc[3].pk)
    conn.scrobble(song, submission=False)
    assert not Scrobble.objects.exists()
    conn.scrobble(song, submission=True, listenTime=1_700_000_000)
    played = Scrobble.objects.get()
    assert played.track == catalogue.arc[3] and played.user == catalogue.listener
    assert played.played_at.timestamp() == 1_700_000_000


@pytest.mark.skipif(HAS_PLAYLISTS, reason="the recommender app's playlists are installed")
def test_playlists_say_they_are_unavailable_rather_than_pretend(conn, catalogue):
    with pytest.raises(SonicError, match="not available"):
        conn.getPlaylists()
    with pytest.raises(SonicError, match="not available"):
        conn.createPlaylist(name="Mine", songIds=[track_id(catalogue.arc[0].pk)])


@pytest.mark.skipif(not HAS_PLAYLISTS, reason="needs the recommender app's Playlist model (merge)")
def test_playlists_round_trip(conn, catalogue):
    songs = [track_id(t.pk) for t in catalogue.arc[:3]]
    created = conn.createPlaylist(name="For the road", songIds=songs)["playlist"]
    assert [e["id"] for e in created["entry"]] == songs
    assert [p["name"] for p in conn.getPlaylists()["playlists"]["playlist"]] == ["For the road"]
    assert conn.getPlaylist(created["id"])["playlist"]["songCount"] == 3
    conn.deletePlaylist(created["id"])
    assert not conn.getPlaylists()["playlists"].get("playlist")
