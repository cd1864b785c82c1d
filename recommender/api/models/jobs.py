"""Analysis jobs (one per file a client uploads through the API) and the idempotency records that make
retried uploads safe."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from catalog.models import Track
from recommender.api.models.partners import APIKey, Partner

__all__ = ["AnalysisJob", "IdempotencyRecord", "JobStatus"]


class JobStatus(models.TextChoices):
    """A job's life, read from its track's analysis until it ends: queued (track pending) -> running
    (analyzing) -> succeeded (analyzed) | failed (failed). Once ended it is frozen on the job, so a later
    re-analysis of the track by an editor does not rewrite the answer to a past request."""

    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"

    @property
    def is_final(self) -> bool:
        return self in (JobStatus.SUCCEEDED, JobStatus.FAILED)


class AnalysisJob(models.Model):
    """The analysis of one uploaded file, as the API client sees it (``GET /jobs/{id}``).

    The id is a UUID so job ids reveal nothing about other clients' volume. ``requested_by`` is the partner's
    service account or the listener who uploaded; only they can read the job.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    track = models.ForeignKey(Track, verbose_name="track", on_delete=models.CASCADE, related_name="api_jobs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="requested by",
        on_delete=models.CASCADE,
        related_name="api_jobs",
        help_text="The partner's service account or the listener who uploaded.",
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name="partner",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="jobs",
        help_text="Empty for a listener's own upload through a web session.",
    )
    api_key = models.ForeignKey(
        APIKey, verbose_name="API key", on_delete=models.SET_NULL, null=True, blank=True, related_name="jobs"
    )
    final_status = models.CharField(
        verbose_name="final status",
        max_length=16,
        choices=[(s.value, s.label) for s in (JobStatus.SUCCEEDED, JobStatus.FAILED)],
        blank=True,
        help_text="Set when the analysis ends (catalog.signals.analysis_finished); empty while it runs.",
    )
    created = models.DateTimeField(verbose_name="created", auto_now_add=True)
    finished_at = models.DateTimeField(verbose_name="finished", null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = "analysis job"
        verbose_name_plural = "analysis jobs"
        indexes = [models.Index(fields=["track"], name="api_job_track_idx")]

    def __str__(self) -> str:
        return f"job {self.pk} (track {self.track_id})"


class IdempotencyRecord(models.Model):
    """The answer given to one ``Idempotency-Key`` of one client, replayed verbatim when the client retries.

    The row is inserted before any work in the request's transaction: a concurrent retry blocks on the
    unique constraint until the first request commits, then replays its answer, so a key never creates
    two uploads. ``request_hash`` fingerprints the request (files' SHA-256s and fields): the same key with a
    different request is refused rather than answered with someone else's result.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="client", on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(verbose_name="idempotency key", max_length=255)
    request_hash = models.CharField(verbose_name="request fingerprint", max_length=64)
    response_status = models.PositiveSmallIntegerField(verbose_name="response status", null=True)
    response_body = models.JSONField(verbose_name="response body", null=True)
    created = models.DateTimeField(verbose_name="created", auto_now_add=True)

    class Meta:
        verbose_name = "idempotency record"
        verbose_name_plural = "idempotency records"
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="api_idempotency_unique")]

    def __str__(self) -> str:
        return f"{self.key} ({self.user_id})"
