"""Partners and their API keys: create, look up by the presented secret, revoke."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from recommender.api.models import APIKey, Partner, Scope

__all__ = ["IssuedKey", "create_partner", "find_active_key", "hash_key", "issue_key", "touch"]

KEY_PREFIX = "mmx_"
LAST_USED_RESOLUTION = timedelta(minutes=1)
"""``last_used_at`` is written at most this often per key: a write per request costs more than it tells."""


@dataclass(frozen=True)
class IssuedKey:
    """A new key: ``secret`` is the only copy of the key in clear; show it once and forget it."""

    key: APIKey
    secret: str


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_partner(name: str, *, contact_email: str = "") -> Partner:
    """A partner with its own service account (an unusable password: it never logs in)."""
    username = f"partner-{slugify(name)[:100] or 'partner'}"
    user_model = get_user_model()
    base, n = username, 1
    while user_model.objects.filter(username=username).exists():
        n += 1
        username = f"{base}-{n}"
    user = user_model(username=username, email=contact_email)
    user.set_unusable_password()
    user.save()
    return Partner.objects.create(name=name, user=user, contact_email=contact_email)


def issue_key(
    partner: Partner, *, name: str, scopes: Iterable[str], rate_limit: int | None = None
) -> IssuedKey:
    """A new key of ``partner`` with ``scopes`` (:class:`Scope` values); ValueError for an unknown one."""
    scopes = sorted(set(scopes))
    unknown = set(scopes) - set(Scope.values)
    if unknown:
        raise ValueError(f"unknown scopes: {', '.join(sorted(unknown))}; known: {', '.join(Scope.values)}")
    prefix = secrets.token_hex(4)
    secret = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = APIKey.objects.create(
        partner=partner,
        name=name,
        prefix=prefix,
        key_hash=hash_key(secret),
        scopes=scopes,
        rate_limit=rate_limit,
    )
    return IssuedKey(key=key, secret=secret)


def find_active_key(secret: str) -> APIKey | None:
    """The unrevoked key of an active partner whose secret is ``secret``, with its partner and user."""
    if not secret.startswith(KEY_PREFIX):
        return None
    key = (
        APIKey.objects.select_related("partner__user")
        .filter(key_hash=hash_key(secret), revoked_at__isnull=True, partner__is_active=True)
        .first()
    )
    return key


def touch(key: APIKey) -> None:
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        APIKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
