"""``Authorization: Bearer <key>`` for partners; listeners' web sessions keep working beside it."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from recommender.api.services.keys import find_active_key, touch

__all__ = ["BearerKeyAuthentication", "SessionScopesAuthentication"]


class BearerKeyAuthentication(authentication.BaseAuthentication):
    """Authenticates as the key's partner service account; ``request.auth`` is the :class:`APIKey`.

    A missing header lets the next authenticator (the session) try; a wrong, revoked or malformed key is
    refused outright (401), so a client never silently falls back to anonymous access.
    """

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        parts = header.split()
        if len(parts) != 2 or parts[0].lower() != self.keyword.lower():
            raise exceptions.AuthenticationFailed("Send the key as 'Authorization: Bearer <key>'.")
        key = find_active_key(parts[1])
        if key is None:
            raise exceptions.AuthenticationFailed("The API key is unknown or has been revoked.")
        touch(key)
        return key.partner.user, key

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class SessionScopesAuthentication(authentication.SessionAuthentication):
    """A logged-in listener using the API from the browser: their own data, with CSRF checks on writes."""


class BearerKeyScheme(OpenApiAuthenticationExtension):
    target_class = BearerKeyAuthentication
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A partner API key (mmx_...)."}
