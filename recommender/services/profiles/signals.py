"""Recording a listening signal: checked against what the listener may see, stored, folded into the
profile at once."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction

from catalog.choices import Visibility
from catalog.models import Track
from recommender.models import EventKind, ListeningEvent, Playlist
from recommender.services.profiles.accumulate import apply_event, rebuild_profile

__all__ = ["SignalError", "record_event", "retract_likes"]


class SignalError(ValueError):
    """A signal that cannot be recorded (unknown kind, a track the listener may not see...)."""


def record_event(
    user,
    track_id: int,
    kind: str,
    *,
    fraction: float | None = None,
    playlist_id: int | None = None,
    at: datetime | None = None,
) -> ListeningEvent:
    """``at``: when it happened, if earlier than now (a Subsonic client's listen time)."""
    if kind not in EventKind.values:
        raise SignalError(f"unknown signal {kind!r}")
    if fraction is not None and not 0.0 <= fraction <= 1.0:
        raise SignalError("fraction must be within 0..1")
    if kind in (EventKind.LIKE, EventKind.DISLIKE):
        fraction = None
    # Public or own only: a listener cannot learn anything about (or from) another's private tracks.
    track = Track.objects.visible_to(user).filter(pk=track_id).first()
    if track is None or (track.visibility != Visibility.PUBLIC and track.owner_id != user.pk):
        raise SignalError("no such track")
    playlist = Playlist.objects.filter(pk=playlist_id, owner=user).first() if playlist_id else None
    with transaction.atomic():
        event = ListeningEvent.objects.create(
            user=user, track=track, kind=kind, fraction=fraction, playlist=playlist
        )
        if at is not None:  # ``created`` is auto_now_add: set after the insert, before the profile sees it
            ListeningEvent.objects.filter(pk=event.pk).update(created=at)
            event.created = at
        apply_event(event)
    return event


def retract_likes(user, track_ids: Iterable[int]) -> int:
    """Withdraw the listener's likes of these tracks (a Subsonic "unstar"). Events are otherwise only
    appended, so the like rows go and the profile is rebuilt from the remaining log: the sums are linear in
    the events, so this is exactly the profile as if the likes had never been given. Returns how many."""
    with transaction.atomic():
        deleted, _ = ListeningEvent.objects.filter(
            user=user, kind=EventKind.LIKE, track_id__in=list(track_ids)
        ).delete()
        if deleted:
            rebuild_profile(user.pk)
    return deleted
