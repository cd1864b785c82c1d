"""The one seam between the Subsonic API and the listener's signals: stars (likes), scrobbles (plays)
and playlists.

Those belong to the recommender app's listening events and playlists (built in parallel, not in this
branch). Until they are merged:

- stars and scrobbles are kept in this app's ``Star`` and ``Scrobble`` tables;
- playlists use the recommender app's ``Playlist``/``PlaylistItem`` when that model exists and otherwise
  answer a Subsonic error: a client is told the truth, never shown an invented playlist.

At merge, only this module changes (see docs/subsonic.md, "Merge notes"): ``star``/``unstar``/
``starred_at``/``starred_track_ids`` write and read ``ListeningEvent(kind="like")``, ``scrobble`` writes
``ListeningEvent(kind="play", fraction=1.0)``, and the two tables go with a migration.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from catalog.models import Track
from recommender.subsonic.errors import ErrorCode, SubsonicError
from recommender.subsonic.models import Scrobble, Star

__all__ = [
    "create_playlist",
    "delete_playlist",
    "ensure_playlists",
    "get_playlist",
    "playlists_of",
    "scrobble",
    "star",
    "starred_at",
    "starred_track_ids",
    "unstar",
]

SUBSONIC_STRATEGY = "subsonic"
"""The strategy name recorded on playlists a Subsonic client made by hand."""


def star(user, tracks: Iterable[Track]) -> None:
    for track in tracks:
        Star.objects.get_or_create(user=user, track=track)


def unstar(user, track_ids: Iterable[int]) -> None:
    Star.objects.filter(user=user, track_id__in=list(track_ids)).delete()


def starred_at(user, track_ids: Sequence[int]) -> dict[int, datetime]:
    rows = Star.objects.filter(user=user, track_id__in=list(track_ids)).values_list("track_id", "created")
    return dict(rows)


def starred_track_ids(user) -> list[int]:
    """The user's starred tracks, most recent first (what the music map shows as liked)."""
    return list(Star.objects.filter(user=user).order_by("-created").values_list("track_id", flat=True))


def scrobble(user, track: Track, played_at: datetime | None = None) -> None:
    Scrobble.objects.create(user=user, track=track, played_at=played_at or timezone.now())


# Playlists -------------------------------------------------------------------------------------------


def ensure_playlists() -> None:
    """Raise the "not available" Subsonic error before any other work when playlists are not installed."""
    _playlist_models()


def _playlist_models():
    try:
        return apps.get_model("recommender", "Playlist"), apps.get_model("recommender", "PlaylistItem")
    except LookupError as exc:
        raise SubsonicError(ErrorCode.GENERIC, "Playlists are not available on this server yet") from exc


def playlists_of(user) -> list:
    playlist, _ = _playlist_models()
    return list(playlist.objects.filter(owner=user, saved=True).prefetch_related("items"))


def get_playlist(user, pk: int):
    playlist, _ = _playlist_models()
    found = playlist.objects.filter(owner=user, pk=pk).first()
    if found is None:
        raise SubsonicError.not_found("Playlist")
    return found


@transaction.atomic
def create_playlist(user, name: str, tracks: Sequence[Track], model_version: str = ""):
    playlist, item = _playlist_models()
    created = playlist.objects.create(
        owner=user, name=name, strategy=SUBSONIC_STRATEGY, request={}, model_version=model_version, saved=True
    )
    item.objects.bulk_create(
        item(playlist=created, track=track, position=i, score=1.0, reason="added in a Subsonic client")
        for i, track in enumerate(tracks)
    )
    return created


def delete_playlist(user, pk: int) -> None:
    get_playlist(user, pk).delete()
