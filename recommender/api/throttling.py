"""Per-key rate limits in fixed windows, with the ``X-RateLimit-*`` headers on every answer.

The counters live in Redis when it is reachable (one ``INCR`` per request, shared by every web worker
process), else in Django's cache (per process: fine for a one-process demo, documented in docs/api.md).
A fixed window is what the headers can describe exactly: ``Limit`` requests per window, ``Remaining`` in
this one, ``Reset`` = seconds until it ends (the value of ``Retry-After`` on a 429).
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from recommender.api.conf import api_setting
from recommender.api.models import APIKey

__all__ = ["KeyRateThrottle", "RateLimitState", "rate_limit_headers"]

logger = logging.getLogger(__name__)

KEY_PREFIX = "moodmix:api:rl"


@dataclass(frozen=True)
class RateLimitState:
    limit: int
    remaining: int
    reset_s: int

    @property
    def exceeded(self) -> bool:
        return self.remaining < 0


def rate_limit_headers(state: RateLimitState) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(state.limit),
        "X-RateLimit-Remaining": str(max(0, state.remaining)),
        "X-RateLimit-Reset": str(state.reset_s),
    }


@lru_cache(maxsize=1)
def _redis_client():
    """A Redis client for the counters, or None when Redis is not what this deployment runs."""
    try:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=0.5, socket_connect_timeout=0.3)
        client.ping()
        return client
    except Exception:  # noqa: BLE001 - any failure means "no Redis": fall back to the cache
        logger.info("API rate limits use Django's cache: Redis at REDIS_URL is not reachable")
        return None


def _count(bucket: str, window_s: int) -> int:
    """Add one request to ``bucket`` and return the count so far in this window."""
    client = _redis_client()
    if client is not None:
        pipe = client.pipeline()
        pipe.incr(bucket)
        pipe.expire(bucket, window_s + 1)
        return int(pipe.execute()[0])
    cache.add(bucket, 0, timeout=window_s + 1)
    try:
        return cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, timeout=window_s + 1)
        return 1


class KeyRateThrottle(BaseThrottle):
    """Counts requests per API key (per listener for session use) and refuses them past the limit.

    The state is left on the request for :class:`~recommender.api.views.base.ApiView` to turn into headers.
    """

    def allow_request(self, request, view) -> bool:
        window_s = int(api_setting("RATE_WINDOW_S"))
        if isinstance(request.auth, APIKey):
            subject = f"key:{request.auth.pk}"
            limit = request.auth.rate_limit or int(api_setting("RATE_LIMIT"))
        elif request.user and request.user.is_authenticated:
            subject = f"user:{request.user.pk}"
            limit = int(api_setting("SESSION_RATE_LIMIT"))
        else:
            return True  # unauthenticated requests are refused by the permissions, before any work
        now = time.time()
        window_start = int(now // window_s) * window_s
        used = _count(f"{KEY_PREFIX}:{subject}:{window_start}", window_s)
        reset_s = max(1, math.ceil(window_start + window_s - now))
        request.rate_limit = RateLimitState(limit=limit, remaining=limit - used, reset_s=reset_s)
        self._reset_s = reset_s
        return used <= limit

    def wait(self) -> float | None:
        """Seconds until the window ends: DRF's ``Throttled`` turns it into ``Retry-After``."""
        return getattr(self, "_reset_s", None)
