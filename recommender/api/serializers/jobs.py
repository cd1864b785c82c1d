"""Analysis jobs and upload answers."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.choices import TrackErrorCode, Visibility
from recommender.api.models import AnalysisJob, JobStatus
from recommender.api.serializers.tracks import TrackErrorSerializer, TrackSummarySerializer
from recommender.api.services.jobs import PROGRESS, job_status

__all__ = ["JobSerializer", "UploadRequestSerializer", "UploadResponseSerializer"]


class JobSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    error = serializers.SerializerMethodField()
    track = TrackSummarySerializer()

    class Meta:
        model = AnalysisJob
        fields = ["id", "status", "progress", "error", "track", "created", "finished_at"]

    @extend_schema_field(serializers.ChoiceField(choices=JobStatus.choices))
    def get_status(self, job: AnalysisJob) -> str:
        return job_status(job).value

    @extend_schema_field(serializers.FloatField(help_text="0 queued, 0.5 running, 1 ended."))
    def get_progress(self, job: AnalysisJob) -> float:
        return PROGRESS[job_status(job)]

    @extend_schema_field(TrackErrorSerializer(allow_null=True))
    def get_error(self, job: AnalysisJob) -> dict | None:
        if job_status(job) != JobStatus.FAILED or not job.track.error_code:
            return None
        return {"code": job.track.error_code, "message": TrackErrorCode(job.track.error_code).label}


class RejectionSerializer(serializers.Serializer):
    file = serializers.CharField()
    code = serializers.CharField(help_text="too_large, empty, unsupported_format, not_audio, ... duplicate.")
    detail = serializers.CharField()
    track_id = serializers.IntegerField(allow_null=True, help_text="The existing track, for a duplicate.")


class UploadResponseSerializer(serializers.Serializer):
    jobs = JobSerializer(many=True)
    rejected = RejectionSerializer(many=True)


class UploadRequestSerializer(serializers.Serializer):
    file = serializers.ListField(
        child=serializers.FileField(),
        allow_empty=False,
        help_text="One or more audio files (repeat the 'file' part).",
    )
    visibility = serializers.ChoiceField(
        choices=Visibility.choices,
        default=Visibility.PRIVATE,
        help_text="private: only you; public: every listener and partner.",
    )
