"""stream (and download, the same bytes) and getCoverArt."""

from __future__ import annotations

from django.http import HttpResponse
from django.http.response import HttpResponseBase

from catalog.streaming import AUDIO_CONTENT_TYPES, ranged_file_response
from recommender.subsonic import library
from recommender.subsonic.cover import cover_png, track_colours
from recommender.subsonic.endpoints.registry import Call, endpoint
from recommender.subsonic.errors import SubsonicError
from recommender.subsonic.ids import parse_album_id, parse_artist_id, parse_track_id


@endpoint("stream")
@endpoint("download")
def stream(call: Call) -> HttpResponseBase:
    # The original file, never transcoded: every format Moodmix accepts is one clients play.
    track = library.get_track(call.user, parse_track_id(call.require("id")))
    content_type = AUDIO_CONTENT_TYPES.get(track.format, "application/octet-stream")
    return ranged_file_response(call.request, track.audio_file, content_type)


@endpoint("getCoverArt")
def get_cover_art(call: Call) -> HttpResponse:
    track = _cover_track(call, call.require("id"))
    size = call.integer("size", 0) or None
    response = HttpResponse(cover_png(track_colours(track), size), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _cover_track(call: Call, cover_id: str):
    """Albums and artists take the cover of their first visible track."""
    if cover_id.startswith("al-"):
        return library.find_album(call.user, parse_album_id(cover_id)).tracks[0]
    if cover_id.startswith("ar-"):
        artist = library.get_artist(call.user, parse_artist_id(cover_id))
        track = library.visible_tracks(call.user).filter(artist=artist).order_by("pk").first()
        if track is None:
            raise SubsonicError.not_found("Cover art")
        return track
    return library.get_track(call.user, parse_track_id(cover_id))
