"""The one seam between the Subsonic API and the listener's signals: stars (likes), scrobbles (plays)
and playlists, all kept by the recommender app.

A star is a like and a scrobble a full play, recorded through
:func:`recommender.services.profiles.signals.record_event`, so the profile updates exactly as from the
playlist page. An unstar withdraws the like through ``retract_likes`` (the log is otherwise append-only).
A track is "starred" while the listener's latest like/dislike of it is a like (the profile's feedback).
Playlists are the recommender's ``Playlist``/``PlaylistItem``, under the same privacy rule as generated
ones: only public tracks and the listener's own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import transaction
from django.db.models import Max, Q

from catalog.choices import Visibility
from catalog.models import Track
from recommender.models import EventKind, ListenerProfile, ListeningEvent, Playlist, PlaylistItem
from recommender.services.profiles.signals import SignalError, record_event, retract_likes
from recommender.subsonic.errors import SubsonicError

__all__ = [
    "create_playlist",
    "delete_playlist",
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
    liked = _liked(user)
    for track in tracks:
        if track.pk in liked:
            continue  # starring twice is one like, as in Subsonic; a second event would count double
        _record(user, track, EventKind.LIKE)


def unstar(user, track_ids: Iterable[int]) -> None:
    retract_likes(user, track_ids)


def starred_at(user, track_ids: Sequence[int]) -> dict[int, datetime]:
    liked = _liked(user) & set(track_ids)
    return dict(_like_times(user).filter(track_id__in=liked).values_list("track_id", "at"))


def starred_track_ids(user) -> list[int]:
    """The user's starred tracks, most recent first (what the music map shows as liked)."""
    liked = _liked(user)
    rows = _like_times(user).filter(track_id__in=liked).order_by("-at").values_list("track_id", flat=True)
    return list(rows)


def scrobble(user, track: Track, played_at: datetime | None = None) -> None:
    _record(user, track, EventKind.PLAY, fraction=1.0, at=played_at)


def _record(user, track: Track, kind: str, **kwargs) -> None:
    try:
        record_event(user, track.pk, kind, **kwargs)
    except SignalError as exc:  # e.g. another listener's track an editor can see: not a signal
        raise SubsonicError.not_found("Song") from exc


def _liked(user) -> set[int]:
    # The profile keeps each track's latest like/dislike (as ``profiles.taste.feedback`` reads it; not
    # imported: that module pulls in the playlist service, which this app's import at start-up must not).
    profile = ListenerProfile.objects.filter(user=user).only("feedback").first()
    feedback = profile.feedback if profile else {}
    return {int(track_id) for track_id, kind in feedback.items() if kind == EventKind.LIKE}


def _like_times(user):
    likes = ListeningEvent.objects.filter(user=user, kind=EventKind.LIKE).order_by()
    return likes.values("track_id").annotate(at=Max("created"))


# Playlists -------------------------------------------------------------------------------------------


def playlists_of(user) -> list[Playlist]:
    return list(Playlist.objects.filter(owner=user, saved=True).prefetch_related("items"))


def get_playlist(user, pk: int) -> Playlist:
    found = Playlist.objects.filter(owner=user, pk=pk).first()
    if found is None:
        raise SubsonicError.not_found("Playlist")
    return found


@transaction.atomic
def create_playlist(user, name: str, tracks: Sequence[Track], model_version: str = "") -> Playlist:
    # The generator's rule: public tracks and the listener's own, never another's an editor may see.
    allowed = Q(visibility=Visibility.PUBLIC) | Q(owner_id=user.pk)
    ok = set(Track.objects.filter(allowed, pk__in=[t.pk for t in tracks]).values_list("pk", flat=True))
    if any(t.pk not in ok for t in tracks):
        raise SubsonicError.not_found("Song")
    created = Playlist.objects.create(
        owner=user, name=name, strategy=SUBSONIC_STRATEGY, request={}, model_version=model_version, saved=True
    )
    PlaylistItem.objects.bulk_create(
        PlaylistItem(
            playlist=created, track=track, position=i, score=1.0, reason="added in a Subsonic client"
        )
        for i, track in enumerate(tracks)
    )
    return created


def delete_playlist(user, pk: int) -> None:
    get_playlist(user, pk).delete()
