"""star, unstar, getStarred2 and scrobble: the listener's signals, through the adapter."""

from __future__ import annotations

from datetime import UTC, datetime

from recommender.subsonic import library, signals_adapter
from recommender.subsonic.endpoints.registry import Call, endpoint
from recommender.subsonic.errors import SubsonicError
from recommender.subsonic.ids import parse_track_id


@endpoint("star")
def star(call: Call) -> dict:
    signals_adapter.star(call.user, _tracks(call))
    return {}


@endpoint("unstar")
def unstar(call: Call) -> dict:
    # Unstarring something no longer visible is harmless; ids are only parsed, not looked up.
    signals_adapter.unstar(call.user, [parse_track_id(v) for v in call.getlist("id")])
    return {}


@endpoint("getStarred2")
def get_starred2(call: Call) -> dict:
    ids = signals_adapter.starred_track_ids(call.user)
    tracks = library.visible_tracks(call.user).in_bulk(ids)
    songs = [tracks[pk] for pk in ids if pk in tracks]
    return {"starred2": {"artist": [], "album": [], "song": library.songs_payload(call.user, songs)}}


@endpoint("scrobble")
def scrobble(call: Call) -> dict:
    tracks = _tracks(call)
    if call.get("submission", "true").lower() == "false":
        return {}  # a "now playing" notice: not a play yet
    times = call.getlist("time")
    for i, track in enumerate(tracks):
        played_at = datetime.fromtimestamp(int(times[i]) / 1000, tz=UTC) if i < len(times) else None
        signals_adapter.scrobble(call.user, track, played_at)
    return {}


def _tracks(call: Call) -> list:
    """Songs named by ``id`` (album/artist stars are not supported: Moodmix likes are per track)."""
    ids = call.getlist("id")
    if not ids:
        if call.getlist("albumId") or call.getlist("artistId"):
            raise SubsonicError(0, "Only songs can be starred or scrobbled")
        raise SubsonicError.missing("id")
    return [library.get_track(call.user, parse_track_id(value)) for value in ids]
