"""Browsing, searching, streaming and cover art through py-sonic; nothing private leaks."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest
from libsonic.errors import DataNotFoundError

from recommender.subsonic.ids import track_id
from tests.subsonic.conftest import AUDIO_BYTES, connect


@pytest.fixture
def conn(live_server, catalogue):
    return connect(live_server, "ada", catalogue.password)


def test_artists_albums_songs(conn, catalogue):
    index = conn.getArtists()["artists"]["index"]
    artists = [artist for group in index for artist in group["artist"]]
    assert [a["name"] for a in artists] == ["Arc Ensemble"]  # Bob's private artist is not listed
    assert artists[0]["albumCount"] == 2

    artist = conn.getArtist(artists[0]["id"])["artist"]
    assert sorted(a["name"] for a in artist["album"]) == ["Quarter Circle", "Second Quarter"]
    album_id = next(a["id"] for a in artist["album"] if a["name"] == "Quarter Circle")

    album = conn.getAlbum(album_id)["album"]
    assert [s["title"] for s in album["song"]] == ["Step 0", "Step 1", "Step 2", "Step 3"]
    song = conn.getSong(album["song"][0]["id"])["song"]
    assert song["albumId"] == album_id and song["artist"] == "Arc Ensemble"
    assert song["moods"] == ["calm"]  # the strongest mood family, OpenSubsonic's moods field
    assert song["size"] == len(AUDIO_BYTES) and song["suffix"] == "wav"


def test_search3(conn):
    found = conn.search3("step 3")["searchResult3"]
    assert [s["title"] for s in found["song"]] == ["Step 3"]
    everything = conn.search3("", songCount=100)["searchResult3"]  # empty query: the whole library
    assert len(everything["song"]) == 8
    assert "Secret Demo" not in json.dumps(everything)


def test_private_track_is_not_found_anywhere(conn, catalogue):
    private_id = track_id(catalogue.private.pk)
    for fetch in (conn.getSong, conn.stream, conn.getCoverArt):
        with pytest.raises(DataNotFoundError):
            fetch(private_id)
    assert not any(conn.search3("secret")["searchResult3"].values())
    with pytest.raises(DataNotFoundError):
        conn.getArtist(f"ar-{catalogue.private.artist_id}")


def test_owner_sees_their_private_track(live_server, catalogue):
    from recommender.subsonic.credentials import reset_password, subsonic_credential

    password = reset_password(subsonic_credential(catalogue.other))
    bob = connect(live_server, "bob", password)
    assert bob.getSong(track_id(catalogue.private.pk))["song"]["title"] == "Secret Demo"


def test_stream_whole_and_a_range(live_server, catalogue, conn):
    song = track_id(catalogue.arc[0].pk)
    assert conn.stream(song).read() == AUDIO_BYTES
    ranged = connect(live_server, "ada", catalogue.password, customHeaders={"Range": "bytes=1000-1099"})
    response = ranged.stream(song)
    assert response.status == 206
    assert response.headers["Content-Range"] == f"bytes 1000-1099/{len(AUDIO_BYTES)}"
    assert response.read() == AUDIO_BYTES[1000:1100]


def test_cover_art_is_a_png_in_the_mood_colours(conn, catalogue):
    image = conn.getCoverArt(track_id(catalogue.arc[0].pk), size=64).read()
    assert image.startswith(b"\x89PNG\r\n\x1a\n")
    assert image[16:24] == (64).to_bytes(4, "big") * 2  # IHDR width and height


def test_unknown_song_is_error_70(conn):
    with pytest.raises(DataNotFoundError):
        conn.getSong("tr-999999")


def test_xml_is_the_default_format(client, catalogue):
    params = {"u": "ada", "p": catalogue.password, "v": "1.16.1", "c": "t"}
    response = client.get("/rest/getArtists.view", params)
    assert response["Content-Type"].startswith("text/xml")
    root = ElementTree.fromstring(response.content)
    ns = {"s": "http://subsonic.org/restapi"}
    assert root.get("status") == "ok"
    assert root.find("s:artists/s:index/s:artist", ns).get("name") == "Arc Ensemble"
    error = ElementTree.fromstring(client.get("/rest/getSong", {**params, "id": "tr-0"}).content)
    assert error.get("status") == "failed" and error.find("s:error", ns).get("code") == "70"


def test_home_screen_and_folder_views(conn, catalogue):
    newest = conn.getAlbumList2("newest", size=10)["albumList2"]["album"]
    assert {a["name"] for a in newest} == {"Quarter Circle", "Second Quarter"}
    assert len(conn.getRandomSongs(size=5)["randomSongs"]["song"]) == 5
    assert conn.getGenres()["genres"]["genre"] == [{"value": "ambient", "songCount": 8, "albumCount": 2}]
    index = conn.getIndexes()["indexes"]["index"]
    artist_id = index[0]["artist"][0]["id"]
    albums = conn.getMusicDirectory(artist_id)["directory"]["child"]
    songs = conn.getMusicDirectory(albums[0]["id"])["directory"]["child"]
    assert len(songs) == 4 and all(not s["isDir"] for s in songs)
    assert conn.getUser("ada")["user"]["streamRole"] is True
    assert "Secret Demo" not in json.dumps(conn.getRandomSongs(size=50))
