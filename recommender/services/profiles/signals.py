"""Recording a listening signal: checked against what the listener may see, stored, folded into the
profile at once."""

from __future__ import annotations

from django.db import transaction

from catalog.choices import Visibility
from catalog.models import Track
from recommender.models import EventKind, ListeningEvent, Playlist
from recommender.services.profiles.accumulate import apply_event

__all__ = ["SignalError", "record_event"]


class SignalError(ValueError):
    """A signal that cannot be recorded (unknown kind, a track the listener may not see...)."""


def record_event(
    user, track_id: int, kind: str, *, fraction: float | None = None, playlist_id: int | None = None
) -> ListeningEvent:
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
        apply_event(event)
    return event
