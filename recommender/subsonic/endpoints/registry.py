"""The registry of Subsonic methods: ``@endpoint("getSong")`` registers a handler under its name.

A handler receives a :class:`Call` (the authenticated user and the request's parameters, from the query
string or a form body: py-sonic and others POST them) and returns the payload to put in the envelope, or
an ``HttpResponse`` for binary methods (stream, getCoverArt).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, QueryDict
from django.http.response import HttpResponseBase

from recommender.subsonic.errors import SubsonicError

__all__ = ["ENDPOINTS", "Call", "Endpoint", "endpoint"]


@dataclass(frozen=True)
class Call:
    request: HttpRequest
    params: QueryDict
    user: Any

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.params.get(name, default)

    def require(self, name: str) -> str:
        value = self.params.get(name)
        if value in (None, ""):
            raise SubsonicError.missing(name)
        return value

    def getlist(self, name: str) -> list[str]:
        return [v for v in self.params.getlist(name) if v != ""]

    def integer(self, name: str, default: int) -> int:
        raw = self.params.get(name)
        if raw in (None, ""):
            return default
        try:
            return int(raw)
        except ValueError as exc:
            raise SubsonicError(0, f"Parameter {name} must be an integer") from exc


Handler = Callable[[Call], dict[str, Any] | HttpResponseBase]


@dataclass(frozen=True)
class Endpoint:
    handler: Handler
    needs_auth: bool


ENDPOINTS: dict[str, Endpoint] = {}


def endpoint(name: str, *, needs_auth: bool = True) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        ENDPOINTS[name] = Endpoint(handler, needs_auth)
        return handler

    return register
