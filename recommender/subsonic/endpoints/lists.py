"""What clients call to fill their home screens and folder views: getAlbumList2, getRandomSongs,
getGenres, getIndexes/getMusicDirectory (folder browsing, DSub's default), getUser, getScanStatus and
tokenInfo (the API-key extension's "whose key is this")."""

from __future__ import annotations

import random

from django.db.models import Count, Max

from recommender.subsonic import library, signals_adapter
from recommender.subsonic.endpoints.registry import Call, endpoint
from recommender.subsonic.errors import ErrorCode, SubsonicError
from recommender.subsonic.ids import parse_album_id, parse_artist_id

MAX_LIST = 500

# getAlbumList2 ``type`` -> how albums are ordered. Moodmix keeps no play counts in this app, so
# "frequent" and "recent" fall back to newest first rather than inventing an order.
_ORDERINGS = {
    "newest": lambda albums: sorted(albums, key=lambda a: max(t.created for t in a.tracks), reverse=True),
    "recent": lambda albums: _ORDERINGS["newest"](albums),
    "frequent": lambda albums: _ORDERINGS["newest"](albums),
    "alphabeticalByName": lambda albums: sorted(albums, key=lambda a: a.name.lower()),
    "alphabeticalByArtist": lambda albums: sorted(
        albums, key=lambda a: (a.artist.name.lower(), a.name.lower())
    ),
    "random": lambda albums: random.sample(albums, len(albums)),
}


@endpoint("getAlbumList2")
def get_album_list2(call: Call) -> dict:
    return {"albumList2": {"album": _album_list(call)}}


@endpoint("getAlbumList")
def get_album_list(call: Call) -> dict:
    # The folder-based variant: with albums as directories the entries are the same.
    return {"albumList": {"album": _album_list(call)}}


def _album_list(call: Call) -> list[dict]:
    kind = call.require("type")
    size = min(max(call.integer("size", 10), 0), MAX_LIST)
    offset = max(call.integer("offset", 0), 0)
    tracks = library.visible_tracks(call.user)
    if kind == "starred":
        albums = library.all_albums(
            call.user, tracks.filter(pk__in=signals_adapter.starred_track_ids(call.user))
        )
    elif kind == "byGenre":
        albums = library.all_albums(call.user, tracks.filter(genre_tag__iexact=call.require("genre")))
    elif kind in _ORDERINGS:
        albums = _ORDERINGS[kind](library.all_albums(call.user))
    else:
        raise SubsonicError(ErrorCode.GENERIC, f"Unsupported list type: {kind}")
    return [library.album_payload(a) for a in albums[offset : offset + size]]


@endpoint("getRandomSongs")
def get_random_songs(call: Call) -> dict:
    size = min(max(call.integer("size", 10), 0), MAX_LIST)
    tracks = library.visible_tracks(call.user)
    if genre := call.get("genre"):
        tracks = tracks.filter(genre_tag__iexact=genre)
    return {"randomSongs": {"song": library.songs_payload(call.user, list(tracks.order_by("?")[:size]))}}


@endpoint("getGenres")
def get_genres(call: Call) -> dict:
    rows = (
        library.visible_tracks(call.user)
        .exclude(genre_tag="")
        .values("genre_tag")
        .annotate(songs=Count("pk"), albums=Count("album", distinct=True))
        .order_by("genre_tag")
    )
    genres = [{"value": r["genre_tag"], "songCount": r["songs"], "albumCount": r["albums"]} for r in rows]
    return {"genres": {"genre": genres}}


@endpoint("getIndexes")
def get_indexes(call: Call) -> dict:
    last = library.visible_tracks(call.user).aggregate(last=Max("updated"))["last"]
    modified = int(last.timestamp() * 1000) if last else 0
    return {
        "indexes": {
            "ignoredArticles": "",
            "lastModified": modified,
            "index": library.artists_index(call.user),
        }
    }


@endpoint("getMusicDirectory")
def get_music_directory(call: Call) -> dict:
    """Folders as clients see them: an artist holds its albums, an album holds its songs."""
    directory_id = call.require("id")
    if directory_id.startswith("al-"):
        album = library.find_album(call.user, parse_album_id(directory_id))
        children = library.songs_payload(call.user, album.tracks)
        return {
            "directory": {
                "id": album.id,
                "name": album.name,
                "parent": f"ar-{album.artist.pk}",
                "child": children,
            }
        }
    artist = library.get_artist(call.user, parse_artist_id(directory_id))
    albums = [
        {**library.album_payload(a), "parent": f"ar-{artist.pk}", "title": a.name}
        for a in library.albums_of(call.user, artist)
    ]
    return {"directory": {"id": f"ar-{artist.pk}", "name": artist.name, "child": albums}}


@endpoint("getUser")
def get_user(call: Call) -> dict:
    if call.require("username") != call.user.get_username() and not call.user.is_staff:
        raise SubsonicError(ErrorCode.NOT_AUTHORIZED, "You may only look up your own user")
    return {
        "user": {
            "username": call.user.get_username(),
            "email": call.user.email,
            "scrobblingEnabled": True,
            "adminRole": call.user.is_staff,
            "settingsRole": False,
            "downloadRole": True,
            "uploadRole": False,
            "playlistRole": True,
            "coverArtRole": False,
            "commentRole": False,
            "podcastRole": False,
            "streamRole": True,
            "jukeboxRole": False,
            "shareRole": False,
            "folder": [1],
        }
    }


@endpoint("getScanStatus")
def get_scan_status(call: Call) -> dict:
    # Moodmix has no library scan: uploads are analysed one by one, so there is never a scan running.
    return {"scanStatus": {"scanning": False, "count": library.visible_tracks(call.user).count()}}


@endpoint("tokenInfo")
def token_info(call: Call) -> dict:
    return {"tokenInfo": {"username": call.user.get_username()}}
