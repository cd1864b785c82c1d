"""Run a request's work at most once per ``Idempotency-Key`` and replay its answer to retries.

The record is inserted first, in the request's transaction. A concurrent retry with the same key blocks
on the unique constraint until the first request commits, then reads and replays its answer; if the first
request failed (rolled back), the retry simply does the work. Answers are kept ``IDEMPOTENCY_TTL_H``
hours; after that the key is free again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from recommender.api.conf import api_setting
from recommender.api.errors import ApiError
from recommender.api.models import IdempotencyRecord

__all__ = ["MAX_KEY_LENGTH", "Outcome", "run_once"]

MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class Outcome:
    status: int
    body: dict
    replayed: bool


def run_once(user, key: str, fingerprint: str, work: Callable[[], tuple[int, dict]]) -> Outcome:
    """``work()`` -> (status, JSON body), run once per (user, key); later calls get the stored answer.

    Raises :class:`ApiError` (422) when the key was used for a different request (``fingerprint``).
    """
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ApiError(
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} characters.", code="invalid_idempotency_key"
        )
    cutoff = timezone.now() - timedelta(hours=int(api_setting("IDEMPOTENCY_TTL_H")))
    IdempotencyRecord.objects.filter(user=user, created__lt=cutoff).delete()  # this client's expired keys
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(user=user, key=key, request_hash=fingerprint)
        except IntegrityError:
            return _replay(user, key, fingerprint)
        status, body = work()
        record.response_status, record.response_body = status, body
        record.save(update_fields=["response_status", "response_body"])
    return Outcome(status=status, body=body, replayed=False)


def _replay(user, key: str, fingerprint: str) -> Outcome:
    record = IdempotencyRecord.objects.get(user=user, key=key)
    if record.request_hash != fingerprint:
        raise ApiError(
            "This Idempotency-Key was already used for a different request; use a new key.",
            code="idempotency_key_reused",
            status_code=422,
        )
    return Outcome(status=record.response_status, body=record.response_body, replayed=True)
