"""Who is calling: Subsonic's three ways to authenticate, and OpenSubsonic's API key.

- ``u`` + ``t`` + ``s``: token = md5(Subsonic password + salt) (Subsonic API 1.13+);
- ``u`` + ``p``: the Subsonic password in clear, or hex-encoded as ``enc:...`` (legacy clients);
- ``apiKey``: the OpenSubsonic ``apiKeyAuthentication`` extension; it must come without ``u``.

Only the separate Subsonic password of :class:`~recommender.subsonic.models.SubsonicCredential` is ever
checked, never the account password, so a leaked client configuration cannot log into the web app.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping

from recommender.subsonic.errors import ErrorCode, SubsonicError
from recommender.subsonic.models import SubsonicCredential

__all__ = ["authenticate", "hash_api_key", "new_api_key", "new_password"]


def authenticate(params: Mapping[str, str]):
    """The active user the request's credentials belong to; :class:`SubsonicError` otherwise."""
    api_key = params.get("apiKey")
    if api_key is not None:
        if params.get("u") or params.get("p") or params.get("t"):
            raise SubsonicError(ErrorCode.CONFLICTING_AUTH, "Use either apiKey or u with p or t/s, not both")
        return _by_api_key(api_key)
    username = params.get("u")
    if not username:
        raise SubsonicError.missing("u")
    if params.get("t") is not None or params.get("s") is not None:
        if not params.get("t") or not params.get("s"):
            raise SubsonicError.missing("t and s")
        return _checked(username, lambda password: _token_matches(password, params["s"], params["t"]))
    if params.get("p") is not None:
        given = _decode_password(params["p"])
        return _checked(username, lambda password: hmac.compare_digest(password, given))
    raise SubsonicError.missing("p or t and s")


def _checked(username: str, matches):
    credential = (
        SubsonicCredential.objects.select_related("user")
        .filter(user__username=username, user__is_active=True)
        .exclude(password="")
        .first()
    )
    # Same answer for an unknown user, a user without a Subsonic password and a wrong password.
    if credential is None or not matches(credential.password):
        raise SubsonicError(ErrorCode.WRONG_CREDENTIALS, "Wrong username or password")
    return credential.user


def _by_api_key(api_key: str):
    credential = (
        SubsonicCredential.objects.select_related("user")
        .filter(api_key_sha256=hash_api_key(api_key), user__is_active=True)
        .exclude(api_key_sha256="")
        .first()
    )
    if not api_key or credential is None:
        raise SubsonicError(ErrorCode.INVALID_API_KEY, "Invalid API key")
    return credential.user


def _token_matches(password: str, salt: str, token: str) -> bool:
    expected = hashlib.md5((password + salt).encode()).hexdigest()  # noqa: S324 - the spec's scheme
    return hmac.compare_digest(expected, token.lower())


def _decode_password(value: str) -> str:
    if not value.startswith("enc:"):
        return value
    try:
        return bytes.fromhex(value[4:]).decode()
    except ValueError as exc:
        raise SubsonicError(ErrorCode.WRONG_CREDENTIALS, "Wrong username or password") from exc


def hash_api_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


def new_password() -> str:
    """A fresh Subsonic password: typed into a phone once, so letters and digits only."""
    return secrets.token_urlsafe(12).replace("-", "x").replace("_", "y")


def new_api_key() -> str:
    return secrets.token_urlsafe(32)
