"""``GET /healthz``: can this instance serve and analyse? For load balancers and ``make demo`` users.

Answers JSON with one entry per dependency and HTTP 200 when every check passed, else 503:
``{"status": "ok", "database": "ok", "pgvector": "0.8.1", "broker": "ok",
"broker_url": "redis://127.0.0.1:6379/0 (recorded in var/broker-url)", "media": "ok"}``. A failing
check reads ``"error: <reason>"``. Each check is a small function in ``CHECKS``; they never raise.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from recommender import broker

__all__ = ["CHECKS", "healthz"]

BROKER_TIMEOUT_S = 2.0


class CheckFailed(Exception):
    """A dependency is not usable; the message says why."""


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def check_pgvector() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
        row = cursor.fetchone()
    if row is None:
        raise CheckFailed("the vector extension is not installed in this database (run migrate)")
    return row[0]


def check_broker() -> str:
    from recommender.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT_S)  # fail fast: no retry loop
    return "ok"


def check_broker_url() -> str:
    """Which broker this web process sends to, and why (workers on another one refuse to start)."""
    choice = settings.BROKER_CHOICE
    return f"{broker.masked(choice.url)} ({choice.source})"


def check_media() -> str:
    root = Path(settings.MEDIA_ROOT)
    # A fresh instance has no MEDIA_ROOT until its first upload creates it: check where it would be made.
    existing = next(p for p in (root, *root.parents) if p.exists())
    if not existing.is_dir() or not os.access(existing, os.W_OK):
        raise CheckFailed(f"MEDIA_ROOT {root} is not writable")
    return "ok"


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "pgvector": check_pgvector,
    "broker": check_broker,
    "broker_url": check_broker_url,
    "media": check_media,
}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    report: dict[str, str] = {}
    healthy = True
    for name, check in CHECKS.items():
        try:
            report[name] = check()
        except Exception as exc:  # noqa: BLE001 - a health check reports every failure, whatever it is
            healthy = False
            report[name] = f"error: {exc}"
    return JsonResponse({"status": "ok" if healthy else "error", **report}, status=200 if healthy else 503)
