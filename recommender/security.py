"""Security headers the web app sends on every response: a Content-Security-Policy without inline scripts.

``X-Content-Type-Options: nosniff`` and ``Referrer-Policy`` come from Django's ``SecurityMiddleware``
(``SECURE_CONTENT_TYPE_NOSNIFF``, ``SECURE_REFERRER_POLICY``); Django 5.2 has no CSP of its own, so
this middleware adds one. Every script Moodmix serves is a static file, so ``script-src 'self'`` holds;
inline *styles* stay allowed because templates colour mood chips with ``style="--family: ..."``
(CSS custom properties cannot run code). A view whose third-party page needs more (Redoc builds its
styles and a web worker at run time) declares its own, relaxed policy with :func:`csp_override`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse

__all__ = ["CSP_HEADER", "DEFAULT_POLICY", "REDOC_POLICY", "ContentSecurityPolicyMiddleware", "csp_override"]

CSP_HEADER = "Content-Security-Policy"

DEFAULT_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",  # no 'unsafe-inline', no 'unsafe-eval': every script is a static file
        "style-src 'self' 'unsafe-inline'",  # style="--family: ..." attributes; CSS cannot run script
        "img-src 'self' data:",
        "media-src 'self' blob:",  # the player streams the owner-checked audio URLs
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# Redoc's standalone bundle injects <style> elements (styled-components) and starts a blob: web worker to
# search the schema. It still runs no inline script: drf-spectacular's redoc.html has none without settings.
REDOC_POLICY = DEFAULT_POLICY.replace("img-src 'self' data:", "img-src 'self' data: blob:") + (
    "; worker-src 'self' blob:"
)


def csp_override(policy: str) -> Callable:
    """Give one view its own policy (documented at the call site); the middleware leaves it as set."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            response = view(request, *args, **kwargs)
            response[CSP_HEADER] = policy
            return response

        return wrapped

    return decorate


class ContentSecurityPolicyMiddleware:
    """Adds :data:`DEFAULT_POLICY` to every response that has no policy of its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if CSP_HEADER not in response:
            response[CSP_HEADER] = DEFAULT_POLICY
        return response
