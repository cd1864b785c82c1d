"""Resolve a partner's listener id to the account the playlist/profile services work on.

The seam for ``/listeners/{external_id}/events``, ``/profile`` and ``DELETE /listeners/{external_id}``:
those views resolve the listener here, then call the profile services with ``listener.user``. Another
partner's ``external_id`` resolves to a different account (or to nothing): it is a 404, never a leak.
"""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from recommender.api.models import Partner, PartnerListener
from recommender.api.models.listeners import EXTERNAL_ID_PATTERN

__all__ = ["find_listener", "listener_for", "valid_external_id"]

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
