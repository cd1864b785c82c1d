"""Scopes: each view says which scope each HTTP method needs; keys carry scopes, sessions get a fixed set."""

from __future__ import annotations

from rest_framework import permissions

from recommender.api.models import APIKey, Scope

__all__ = ["SESSION_SCOPES", "HasScope", "granted_scopes", "is_partner_request"]

SESSION_SCOPES = frozenset({Scope.CATALOG_READ, Scope.CATALOG_WRITE, Scope.PLAYLISTS, Scope.PROFILES})
"""What a listener's own web session may do: everything, but only ever on their own data (the services
scope every query to ``request.user``)."""


def granted_scopes(request) -> frozenset[str]:
    if isinstance(request.auth, APIKey):
        return frozenset(request.auth.scopes)
    if request.user and request.user.is_authenticated:
        return frozenset(s.value for s in SESSION_SCOPES)
    return frozenset()


def is_partner_request(request) -> bool:
    return isinstance(request.auth, APIKey)


class HasScope(permissions.BasePermission):
    """Authenticated, and granted the scope ``view.required_scopes[METHOD]`` (HEAD/OPTIONS follow GET)."""

    message = "This API key lacks the scope this request needs."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        method = "GET" if request.method in ("HEAD", "OPTIONS") else request.method
        needed = view.required_scopes.get(method)
        if needed is None:
            # No handler: let DRF answer 405. A handler without a declared scope is refused, never open.
            return not hasattr(view, request.method.lower())
        if needed not in granted_scopes(request):
            self.message = f"This API key lacks the '{needed}' scope."
            return False
        return True
