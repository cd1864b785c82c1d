"""Celery tasks of the partner API (queue ``default``)."""

from __future__ import annotations

import logging

from celery import shared_task
from kombu.exceptions import OperationalError as BrokerError

from recommender.api.services.webhooks import Attempt, attempt_delivery, retry_delay_s

__all__ = ["deliver_webhook", "enqueue_delivery"]

logger = logging.getLogger(__name__)


@shared_task(name="api.deliver_webhook", bind=True, acks_late=True, max_retries=None, time_limit=120)
def deliver_webhook(self, delivery_id: int) -> str:
    """Send one webhook delivery; on failure retry after an exponential backoff, until the delivery's
    attempts reach WEBHOOK_MAX_ATTEMPTS (then it is recorded ``failed``). The delivery row counts attempts,
    so a redelivered message never sends more than the allowed number."""
    outcome = attempt_delivery(delivery_id)
    if outcome is Attempt.RETRY:
        raise self.retry(countdown=retry_delay_s(self.request.retries + 1))
    return outcome.value


def enqueue_delivery(delivery_id: int) -> None:
    """Queue a delivery; with the broker down it stays ``pending`` in the table (logged), not lost."""
    try:
        deliver_webhook.delay(delivery_id)
    except BrokerError:
        logger.exception("could not queue webhook delivery %s", delivery_id)
