"""getSonicSimilarTracks and findSonicPath (OpenSubsonic ``sonicSimilarity``)."""

from __future__ import annotations

from recommender.subsonic import library
from recommender.subsonic import sonic as sonic_service
from recommender.subsonic.endpoints.registry import Call, endpoint
from recommender.subsonic.ids import parse_track_id

DEFAULT_SIMILAR = 20
DEFAULT_PATH = 10


@endpoint("getSonicSimilarTracks")
def get_sonic_similar_tracks(call: Call) -> dict:
    track = library.get_track(call.user, parse_track_id(call.require("id")))
    matches = sonic_service.similar(call.user, track, call.integer("count", DEFAULT_SIMILAR))
    return {"sonicSimilarTracks": {"sonicMatch": _matches(call, matches)}}


@endpoint("findSonicPath")
def find_sonic_path(call: Call) -> dict:
    start = library.get_track(call.user, parse_track_id(call.require("startSongId")))
    end = library.get_track(call.user, parse_track_id(call.require("endSongId")))
    matches = sonic_service.sonic_path(call.user, start, end, call.integer("count", DEFAULT_PATH))
    return {"sonicPath": {"sonicMatch": _matches(call, matches)}}


def _matches(call: Call, matches: list[sonic_service.SonicMatch]) -> list[dict]:
    songs = library.songs_payload(call.user, [m.track for m in matches])
    return [{"entry": song, "similarity": m.similarity} for song, m in zip(songs, matches, strict=True)]
