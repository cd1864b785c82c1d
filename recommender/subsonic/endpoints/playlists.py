"""getPlaylists, getPlaylist, createPlaylist, deletePlaylist: the listener's own Moodmix playlists."""

from __future__ import annotations

from recommender.subsonic import library, signals_adapter
from recommender.subsonic.endpoints.registry import Call, endpoint
from recommender.subsonic.errors import SubsonicError
from recommender.subsonic.ids import parse_track_id


@endpoint("getPlaylists")
def get_playlists(call: Call) -> dict:
    return {"playlists": {"playlist": [_summary(call, p) for p in signals_adapter.playlists_of(call.user)]}}


@endpoint("getPlaylist")
def get_playlist(call: Call) -> dict:
    playlist = signals_adapter.get_playlist(call.user, _playlist_pk(call.require("id")))
    return {"playlist": _full(call, playlist)}


@endpoint("createPlaylist")
def create_playlist(call: Call) -> dict:
    signals_adapter.ensure_playlists()
    if call.get("playlistId"):
        raise SubsonicError(0, "Updating a playlist is not supported; create a new one")
    tracks = [library.get_track(call.user, parse_track_id(v)) for v in call.getlist("songId")]
    playlist = signals_adapter.create_playlist(call.user, call.require("name"), tracks)
    return {"playlist": _full(call, playlist)}


@endpoint("deletePlaylist")
def delete_playlist(call: Call) -> dict:
    signals_adapter.delete_playlist(call.user, _playlist_pk(call.require("id")))
    return {}


def _playlist_pk(value: str) -> int:
    raw = value.removeprefix("pl-")
    if not raw.isdigit():
        raise SubsonicError.not_found("Playlist")
    return int(raw)


def _visible_items(call: Call, playlist) -> list:
    ids = [item.track_id for item in playlist.items.order_by("position")]
    tracks = library.visible_tracks(call.user).in_bulk(ids)
    return [tracks[pk] for pk in ids if pk in tracks]


def _summary(call: Call, playlist) -> dict:
    tracks = _visible_items(call, playlist)
    return {
        "id": f"pl-{playlist.pk}",
        "name": playlist.name,
        "owner": call.user.get_username(),
        "public": False,
        "songCount": len(tracks),
        "duration": int(sum(t.duration_s or 0 for t in tracks)),
        "created": playlist.created.isoformat(),
        "changed": playlist.updated.isoformat(),
        "coverArt": f"tr-{tracks[0].pk}" if tracks else None,
    }


def _full(call: Call, playlist) -> dict:
    return {
        **_summary(call, playlist),
        "entry": library.songs_payload(call.user, _visible_items(call, playlist)),
    }
