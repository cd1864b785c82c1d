"""getArtists, getArtist, getAlbum, getSong, search3 (ID3 browsing: artists -> album tags -> songs)."""

from __future__ import annotations

from recommender.subsonic import library
from recommender.subsonic.endpoints.registry import Call, endpoint
from recommender.subsonic.ids import parse_album_id, parse_artist_id, parse_track_id

SEARCH_DEFAULT_COUNT = 20
SEARCH_MAX_COUNT = 500


@endpoint("getArtists")
def get_artists(call: Call) -> dict:
    return {"artists": {"ignoredArticles": "", "index": library.artists_index(call.user)}}


@endpoint("getArtist")
def get_artist(call: Call) -> dict:
    artist = library.get_artist(call.user, parse_artist_id(call.require("id")))
    albums = library.albums_of(call.user, artist)
    return {
        "artist": {
            **library.artist_payload(artist),
            "albumCount": len(albums),
            "album": [library.album_payload(a) for a in albums],
        }
    }


@endpoint("getAlbum")
def get_album(call: Call) -> dict:
    album = library.find_album(call.user, parse_album_id(call.require("id")))
    return {"album": {**library.album_payload(album), "song": library.songs_payload(call.user, album.tracks)}}


@endpoint("getSong")
def get_song(call: Call) -> dict:
    track = library.get_track(call.user, parse_track_id(call.require("id")))
    return {"song": library.songs_payload(call.user, [track])[0]}


@endpoint("search3")
def search3(call: Call) -> dict:
    kinds = ("artist", "album", "song")
    counts = {
        k: min(max(call.integer(f"{k}Count", SEARCH_DEFAULT_COUNT), 0), SEARCH_MAX_COUNT) for k in kinds
    }
    offsets = {k: max(call.integer(f"{k}Offset", 0), 0) for k in kinds}
    found = library.search(call.user, call.get("query", "") or "", counts=counts, offsets=offsets)
    return {
        "searchResult3": {
            "artist": [library.artist_payload(a) for a in found.artists],
            "album": [library.album_payload(a) for a in found.albums],
            "song": library.songs_payload(call.user, found.songs),
        }
    }
