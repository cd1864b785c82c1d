"""Resolve a partner's listener id to the account the playlist/profile services work on.

The seam for ``/listeners/{external_id}/events``, ``/profile`` and ``DELETE /listeners/{external_id}``:
those views resolve the listener here, then call the profile services with ``listener.user``. Another
partner's ``external_id`` resolves to a different account (or to nothing): it is a 404, never a leak.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from recommender.api.models import Partner, PartnerListener
from recommender.api.models.listeners import EXTERNAL_ID_PATTERN
from recommender.models import ListenerProfile, Playlist
from recommender.services.playlists.snapshot import get_snapshot
from recommender.services.profiles.portrait import Portrait, portrait
from recommender.services.profiles.privacy import delete_profile
from recommender.services.profiles.summary import ProfileSummary, summarise

__all__ = [
    "ListenerPicture",
    "erase_listener",
    "find_listener",
    "listener_for",
    "picture_of",
    "valid_external_id",
]

_EXTERNAL_ID = re.compile(EXTERNAL_ID_PATTERN)


def valid_external_id(external_id: str) -> bool:
    return bool(_EXTERNAL_ID.fullmatch(external_id))


def find_listener(partner: Partner, external_id: str) -> PartnerListener | None:
    """The partner's listener, or None (reading a profile must not create one)."""
    return (
        PartnerListener.objects.select_related("user")
        .filter(partner=partner, external_id=external_id)
        .first()
    )


def listener_for(partner: Partner, external_id: str) -> PartnerListener:
    """The partner's listener, created with its shadow account on first use (recording events does).

    Raises ValueError for an id outside EXTERNAL_ID_PATTERN. Safe under concurrent first uses.
    """
    if not valid_external_id(external_id):
        raise ValueError(f"invalid external id {external_id!r}")
    existing = find_listener(partner, external_id)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            # Usernames are unique site-wide; the partner id prefix keeps partners' ids apart.
            user = get_user_model()(username=f"p{partner.pk}-{external_id}")
            user.set_unusable_password()
            user.save()
            return PartnerListener.objects.create(partner=partner, external_id=external_id, user=user)
    except IntegrityError:
        return PartnerListener.objects.select_related("user").get(partner=partner, external_id=external_id)


@dataclass(frozen=True)
class ListenerPicture:
    """What ``GET /listeners/{id}/profile`` shows: the profile service's summary and portrait."""

    profile: ListenerProfile | None
    summary: ProfileSummary
    portrait: Portrait | None


def picture_of(listener: PartnerListener) -> ListenerPicture:
    profile = ListenerProfile.objects.filter(user=listener.user).first()
    summary = summarise(profile, get_snapshot((profile.model_version if profile else "") or None))
    return ListenerPicture(profile, summary, portrait(summary))


@transaction.atomic
def erase_listener(listener: PartnerListener) -> dict[str, int]:
    """Erase everything Moodmix keeps about a partner's listener: events and profile (the profile
    service's own deletion), their playlists, then the shadow account and the mapping."""
    user = listener.user
    events = delete_profile(user)
    _, deleted = Playlist.objects.filter(owner=user).delete()
    user.delete()  # cascades to the PartnerListener row
    return {"events": events, "playlists": deleted.get(Playlist._meta.label, 0)}
