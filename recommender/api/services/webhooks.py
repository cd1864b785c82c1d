"""Signed webhook events: build them when a job ends, deliver them with retries, record every outcome.

Signing (checked by partners, docs/api.md): the header ``Moodmix-Signature: t=<unix time>,v1=<hex>`` where
``<hex>`` is HMAC-SHA256 of ``"<t>.<raw body>"`` under the endpoint's secret. The timestamp lets a
receiver refuse replays of old deliveries.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import json
import logging
import secrets
import time
import urllib.error
import urllib.request

from django.db import transaction
from django.utils import timezone

from recommender.api.conf import api_setting
from recommender.api.models import (
    AnalysisJob,
    DeliveryStatus,
    JobStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

__all__ = [
    "SIGNATURE_HEADER",
    "Attempt",
    "attempt_delivery",
    "deliveries_for_jobs",
    "new_secret",
    "retry_delay_s",
    "sign",
    "verify",
]

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "Moodmix-Signature"
SIGNATURE_TOLERANCE_S = 300

_EVENTS = {
    JobStatus.SUCCEEDED: WebhookEvent.ANALYSIS_SUCCEEDED,
    JobStatus.FAILED: WebhookEvent.ANALYSIS_FAILED,
}


class Attempt(enum.Enum):
    """What the task should do after one attempt."""

    DONE = "done"  # delivered, failed for good, or nothing to do (a redelivered message)
    RETRY = "retry"


def new_secret() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


def sign(secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, body: bytes, header: str, *, now: float | None = None) -> bool:
    """What a receiver does: recompute the MAC, compare in constant time, refuse stale timestamps."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs((now if now is not None else time.time()) - timestamp) > SIGNATURE_TOLERANCE_S:
        return False
    return hmac.compare_digest(sign(secret, body, timestamp), f"t={timestamp},v1={fields.get('v1', '')}")


def retry_delay_s(attempts: int) -> float:
    """Exponential backoff: the base delay, doubled after each failed attempt."""
    return float(api_setting("WEBHOOK_BACKOFF_S")) * 2 ** max(0, attempts - 1)


def deliveries_for_jobs(jobs: list[AnalysisJob]) -> list[WebhookDelivery]:
    """One pending delivery per (ended partner job, endpoint of that partner wanting its event)."""
    created = []
    for job in jobs:
        if job.partner_id is None:
            continue
        event = _EVENTS[JobStatus(job.final_status)]
        for endpoint in WebhookEndpoint.objects.filter(partner_id=job.partner_id, is_active=True):
            if endpoint.wants(event):
                delivery = WebhookDelivery.objects.create(endpoint=endpoint, job=job, event=event, payload={})
                delivery.payload = _payload(delivery, job)
                delivery.save(update_fields=["payload"])
                created.append(delivery)
    return created


def _payload(delivery: WebhookDelivery, job: AnalysisJob) -> dict:
    track = job.track
    return {
        "id": str(delivery.pk),
        "event": delivery.event,
        "created": timezone.now().isoformat(),
        "data": {
            "job": {
                "id": str(job.pk),
                "status": job.final_status,
                "finished_at": job.finished_at.isoformat() if job.finished_at else None,
            },
            "track": {
                "id": track.pk,
                "title": track.title,
                "status": track.status,
                "error_code": track.error_code or None,
            },
        },
    }


def attempt_delivery(delivery_id: int) -> Attempt:
    """POST one pending delivery once and record the outcome; the last allowed failure marks it failed."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("endpoint")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
            .first()
        )
        if delivery is None:
            return Attempt.DONE
        delivery.attempts += 1
        delivery.save(update_fields=["attempts", "updated"])
    code, error = _post(delivery)
    delivery.last_status_code, delivery.last_error = code, error[:500]
    if not error:
        delivery.status, delivery.delivered_at = DeliveryStatus.SUCCEEDED, timezone.now()
    elif delivery.attempts >= int(api_setting("WEBHOOK_MAX_ATTEMPTS")):
        delivery.status = DeliveryStatus.FAILED
        logger.warning(
            "webhook delivery %s failed after %s attempts: %s", delivery.pk, delivery.attempts, error
        )
    delivery.save(update_fields=["status", "delivered_at", "last_status_code", "last_error", "updated"])
    return Attempt.RETRY if delivery.status == DeliveryStatus.PENDING else Attempt.DONE


def _post(delivery: WebhookDelivery) -> tuple[int | None, str]:
    """(HTTP status or None, error text or "" on a 2xx)."""
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    request = urllib.request.Request(
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Moodmix-Webhooks/1",
            "Moodmix-Event": delivery.event,
            "Moodmix-Delivery": str(delivery.pk),
            SIGNATURE_HEADER: sign(delivery.endpoint.secret, body, int(time.time())),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=float(api_setting("WEBHOOK_TIMEOUT_S"))) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        return None, f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"
