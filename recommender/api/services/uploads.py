"""Uploads through the API: each file goes through the catalogue's ingest service and, once stored,
becomes an :class:`AnalysisJob`. Refused files are reported, never stored."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from catalog.choices import Visibility
from catalog.services.ingest import IngestError, ingest_file
from recommender.api.models import AnalysisJob, APIKey, Partner

__all__ = ["Rejection", "UploadResult", "fingerprint", "upload_files"]


@dataclass(frozen=True)
class Rejection:
    """A refused file: the catalogue's stable rejection code and the message for the uploader."""

    file: str
    code: str
    detail: str
    track_id: int | None = None  # the existing track, for a duplicate the client may see


@dataclass
class UploadResult:
    jobs: list[AnalysisJob] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)


def fingerprint(files: Sequence[UploadedFile], visibility: str) -> str:
    """What makes two upload requests "the same request": the files' bytes and names and the fields."""
    digest = hashlib.sha256(visibility.encode())
    for upload in files:
        digest.update(b"\0" + (upload.name or "").encode())
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
    return digest.hexdigest()


def upload_files(
    files: Sequence[UploadedFile],
    *,
    user,
    partner: Partner | None,
    api_key: APIKey | None,
    visibility: Visibility = Visibility.PRIVATE,
) -> UploadResult:
    """Ingest each file as a track owned by ``user`` and open a job for each one stored."""
    result = UploadResult()
    for upload in files:
        try:
            # Track and job commit together, and the analysis is queued only then (ingest's on_commit):
            # a fast worker can never finish a track whose job does not exist yet and so miss its webhook.
            with transaction.atomic():
                track = ingest_file(upload, owner=user, visibility=visibility)
                job = AnalysisJob.objects.create(
                    track=track, requested_by=user, partner=partner, api_key=api_key
                )
        except IngestError as exc:
            existing = exc.existing.pk if exc.existing is not None else None
            result.rejected.append(Rejection(upload.name or "", exc.code.value, exc.message, existing))
            continue
        result.jobs.append(job)
    return result
