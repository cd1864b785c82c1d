"""star, unstar, scrobble and the playlists seam, through py-sonic."""

from __future__ import annotations

import pytest
from libsonic.errors import DataNotFoundError

from catalog.choices import Visibility
from recommender.models import ListenerProfile, ListeningEvent, Playlist
from recommender.services.profiles.accumulate import rebuild_profile
from recommender.services.profiles.signals import record_event
from recommender.subsonic import signals_adapter
from recommender.subsonic.errors import SubsonicError
from recommender.subsonic.ids import track_id
from tests.subsonic.conftest import connect


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
    assert not ListeningEvent.objects.exists()
    conn.scrobble(song, submission=True, listenTime=1_700_000_000)
    played = ListeningEvent.objects.get()
    assert played.track == catalogue.arc[3] and played.user == catalogue.listener
    assert (played.kind, played.fraction) == ("play", 1.0)
    assert played.created.timestamp() == 1_700_000_000
    assert ListenerProfile.objects.get(user=catalogue.listener).signal_count == 1


def _sums(user) -> tuple:
    profile = ListenerProfile.objects.get(user=user)
    return profile.signal_count, profile.mood_sums, profile.taste_sum, profile.feedback


def test_a_star_updates_the_profile_like_a_like_from_the_playlist_page(conn, catalogue):
    conn.star(sids=[track_id(catalogue.arc[0].pk)])
    conn.star(sids=[track_id(catalogue.arc[0].pk)])  # starring twice is one like
    event = ListeningEvent.objects.get()
    assert (event.kind, event.fraction, event.track) == ("like", None, catalogue.arc[0])
    incremental = _sums(catalogue.listener)
    assert incremental == _sums(rebuild_profile(catalogue.listener.pk).user)
    assert incremental[3] == {str(catalogue.arc[0].pk): "like"}


def test_unstar_withdraws_the_like_and_its_weight(conn, catalogue):
    record_event(catalogue.listener, catalogue.arc[5].pk, "play", fraction=0.5)
    before = _sums(catalogue.listener)
    conn.star(sids=[track_id(catalogue.arc[1].pk)])
    assert _sums(catalogue.listener) != before
    conn.unstar(sids=[track_id(catalogue.arc[1].pk)])
    assert _sums(catalogue.listener) == before
    assert list(ListeningEvent.objects.values_list("kind", flat=True)) == ["play"]


def test_a_dislike_on_the_playlist_page_unstars(conn, catalogue):
    conn.star(sids=[track_id(catalogue.arc[2].pk)])
    record_event(catalogue.listener, catalogue.arc[2].pk, "dislike")
    assert signals_adapter.starred_track_ids(catalogue.listener) == []
    assert "starred" not in conn.getSong(track_id(catalogue.arc[2].pk))["song"]


def test_a_playlist_takes_only_tracks_the_generator_would(conn, catalogue):
    with pytest.raises(DataNotFoundError):
        conn.createPlaylist(name="Leak", songIds=[track_id(catalogue.private.pk)])
    # Even a track the caller could see (an editor sees others' private ones) is refused: playlists hold
    # public tracks and the listener's own, as generated ones do.
    assert catalogue.private.visibility != Visibility.PUBLIC
    with pytest.raises(SubsonicError):
        signals_adapter.create_playlist(catalogue.listener, "Leak", [catalogue.arc[0], catalogue.private])
    assert not Playlist.objects.exists()


def test_playlists_round_trip(conn, catalogue):
    songs = [track_id(t.pk) for t in catalogue.arc[:3]]
    created = conn.createPlaylist(name="For the road", songIds=songs)["playlist"]
    assert [e["id"] for e in created["entry"]] == songs
    assert [p["name"] for p in conn.getPlaylists()["playlists"]["playlist"]] == ["For the road"]
    assert conn.getPlaylist(created["id"])["playlist"]["songCount"] == 3
    conn.deletePlaylist(created["id"])
    assert not conn.getPlaylists()["playlists"].get("playlist")
