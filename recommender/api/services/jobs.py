"""Where an analysis job stands, read from its track while it runs and frozen when it ends."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from catalog.choices import TrackStatus
from recommender.api.models import AnalysisJob, JobStatus

__all__ = ["PROGRESS", "finish_jobs", "job_status", "jobs_visible_to"]

_FROM_TRACK = {
    TrackStatus.PENDING: JobStatus.QUEUED,
    TrackStatus.ANALYZING: JobStatus.RUNNING,
    TrackStatus.ANALYZED: JobStatus.SUCCEEDED,
    TrackStatus.FAILED: JobStatus.FAILED,
}

PROGRESS = {JobStatus.QUEUED: 0.0, JobStatus.RUNNING: 0.5, JobStatus.SUCCEEDED: 1.0, JobStatus.FAILED: 1.0}
"""Coarse on purpose: one analysis is a single decode + forward pass with no meaningful midpoints."""


def job_status(job: AnalysisJob) -> JobStatus:
    if job.final_status:
        return JobStatus(job.final_status)
    return _FROM_TRACK[TrackStatus(job.track.status)]


def jobs_visible_to(user) -> QuerySet[AnalysisJob]:
    """A client sees only the jobs it opened: another partner's job id is a 404."""
    return AnalysisJob.objects.filter(requested_by=user).select_related("track__artist")


def finish_jobs(track_id: int, status: TrackStatus) -> list[AnalysisJob]:
    """Freeze the open jobs of ``track_id`` with its final status; the jobs that changed."""
    final = _FROM_TRACK[TrackStatus(status)]
    jobs = list(AnalysisJob.objects.filter(track_id=track_id, final_status="").select_related("partner"))
    now = timezone.now()
    for job in jobs:
        job.final_status, job.finished_at = final.value, now
    AnalysisJob.objects.bulk_update(jobs, ["final_status", "finished_at"])
    return jobs
