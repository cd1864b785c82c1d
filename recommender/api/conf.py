"""Settings of the partner API, each read from the environment (documented here, where it is read) and
overridable as a key of ``settings.MOODMIX_API`` (tests use that).

Read through :func:`api_setting` at call time, never at import, so an override applies at once.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings

__all__ = ["DEFAULTS", "api_setting"]

DEFAULTS: dict[str, Any] = {
    # MOODMIX_API_RATE_LIMIT: requests per window a new key may make (each key can have its own figure).
    "RATE_LIMIT": int(os.environ.get("MOODMIX_API_RATE_LIMIT", "600")),
    # MOODMIX_API_RATE_WINDOW_S: length of the fixed rate-limit window in seconds.
    "RATE_WINDOW_S": int(os.environ.get("MOODMIX_API_RATE_WINDOW_S", "60")),
    # MOODMIX_API_SESSION_RATE_LIMIT: requests per window for a listener using the API with a web session.
    "SESSION_RATE_LIMIT": int(os.environ.get("MOODMIX_API_SESSION_RATE_LIMIT", "300")),
    # Largest page a client may ask for with ?page_size=.
    "MAX_PAGE_SIZE": 100,
    # Most files in one POST /tracks, and most ids in one ?ids= list.
    "MAX_UPLOAD_FILES": 20,
    "MAX_IDS": 100,
    # MOODMIX_WEBHOOK_MAX_ATTEMPTS: attempts of one webhook delivery before it is recorded as failed.
    "WEBHOOK_MAX_ATTEMPTS": int(os.environ.get("MOODMIX_WEBHOOK_MAX_ATTEMPTS", "6")),
    # MOODMIX_WEBHOOK_BACKOFF_S: wait before the first retry; doubles at each attempt (5, 10, 20 s...).
    "WEBHOOK_BACKOFF_S": float(os.environ.get("MOODMIX_WEBHOOK_BACKOFF_S", "5")),
    # MOODMIX_WEBHOOK_TIMEOUT_S: how long one delivery waits for the partner's server to answer.
    "WEBHOOK_TIMEOUT_S": float(os.environ.get("MOODMIX_WEBHOOK_TIMEOUT_S", "10")),
    # Idempotency keys are remembered this many hours; a replay after that is a new request.
    "IDEMPOTENCY_TTL_H": 24,
}


def api_setting(name: str) -> Any:
    """The value of one API setting: ``settings.MOODMIX_API[name]`` when set, else the default above."""
    overrides = getattr(settings, "MOODMIX_API", {}) or {}
    return overrides.get(name, DEFAULTS[name])
