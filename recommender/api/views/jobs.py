"""``/jobs/{id}``: where the analysis of an uploaded file stands."""

from __future__ import annotations

import uuid

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from recommender.api.errors import ApiError
from recommender.api.models import Scope
from recommender.api.serializers.jobs import JobSerializer
from recommender.api.services.jobs import jobs_visible_to
from recommender.api.views.base import ApiView

__all__ = ["JobDetailView", "JobListView"]


class JobListView(ApiView):
    required_scopes = {"GET": Scope.CATALOG_READ}
    serializer_class = JobSerializer

    @extend_schema(operation_id="jobs_list", responses=JobSerializer(many=True))
    def get(self, request):
        """The client's jobs, newest first."""
        page = self.paginate_queryset(jobs_visible_to(request.user))
        return self.get_paginated_response(JobSerializer(page, many=True).data)


class JobDetailView(ApiView):
    required_scopes = {"GET": Scope.CATALOG_READ}
    serializer_class = JobSerializer

    def get(self, request, job_id: uuid.UUID):
        """One job: queued -> running -> succeeded | failed, with its track."""
        job = jobs_visible_to(request.user).filter(pk=job_id).first()
        if job is None:
            raise ApiError(f"No job {job_id} of this client.", code="not_found", status_code=404)
        return Response(JobSerializer(job).data)
