"""Creating and resetting a listener's Subsonic secrets (the settings page and tests use these)."""

from __future__ import annotations

from recommender.subsonic.auth import hash_api_key, new_api_key, new_password
from recommender.subsonic.models import SubsonicCredential

__all__ = ["reset_api_key", "reset_password", "subsonic_credential"]


def subsonic_credential(user) -> SubsonicCredential:
    credential, _ = SubsonicCredential.objects.get_or_create(user=user)
    return credential


def reset_password(credential: SubsonicCredential) -> str:
    credential.password = new_password()
    credential.save(update_fields=["password", "updated"])
    return credential.password


def reset_api_key(credential: SubsonicCredential) -> str:
    """A new API key, returned once; only its hash is stored, so the old key stops working."""
    key = new_api_key()
    credential.api_key_sha256 = hash_api_key(key)
    credential.save(update_fields=["api_key_sha256", "updated"])
    return key
