"""Webhooks: the URLs partners register, and every delivery of an event to them."""

from __future__ import annotations

from django.db import models

from recommender.api.models.jobs import AnalysisJob
from recommender.api.models.partners import Partner

__all__ = ["DeliveryStatus", "WebhookDelivery", "WebhookEndpoint", "WebhookEvent"]


class WebhookEvent(models.TextChoices):
    """Events a partner can receive."""

    ANALYSIS_SUCCEEDED = "analysis.succeeded", "A job's analysis finished"
    ANALYSIS_FAILED = "analysis.failed", "A job's analysis failed"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class WebhookEndpoint(models.Model):
    """A URL of a partner that receives signed events.

    The secret signs every delivery (HMAC-SHA256, docs/api.md). It is stored in clear because signing needs
    it, and shown to the partner only when the endpoint is created.
    """

    partner = models.ForeignKey(
        Partner, verbose_name="partner", on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField(verbose_name="URL", max_length=500)
    secret = models.CharField(verbose_name="signing secret", max_length=128)
    events = models.JSONField(
        verbose_name="events", default=list, help_text="Event names to send; empty: every event."
    )
    is_active = models.BooleanField(verbose_name="active", default=True)
    created = models.DateTimeField(verbose_name="created", auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = "webhook endpoint"
        verbose_name_plural = "webhook endpoints"

    def __str__(self) -> str:
        return self.url

    def wants(self, event: str) -> bool:
        return self.is_active and (not self.events or event in self.events)


class WebhookDelivery(models.Model):
    """One event sent (or being sent) to one endpoint, with the outcome of its last attempt."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, verbose_name="endpoint", on_delete=models.CASCADE, related_name="deliveries"
    )
    job = models.ForeignKey(
        AnalysisJob,
        verbose_name="job",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    event = models.CharField(verbose_name="event", max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField(verbose_name="payload", help_text="The JSON body, signed as sent.")
    status = models.CharField(
        verbose_name="status", max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(verbose_name="attempts", default=0)
    last_status_code = models.PositiveSmallIntegerField(
        verbose_name="last HTTP status", null=True, blank=True
    )
    last_error = models.CharField(verbose_name="last error", max_length=500, blank=True)
    created = models.DateTimeField(verbose_name="created", auto_now_add=True)
    delivered_at = models.DateTimeField(verbose_name="delivered", null=True, blank=True)
    updated = models.DateTimeField(verbose_name="updated", auto_now=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event} -> {self.endpoint} ({self.status})"
