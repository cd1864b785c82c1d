"""``/tracks``: the catalogue a client may see, one track, its neighbours, and uploads."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from catalog.models import Track
from recommender.api.conf import api_setting
from recommender.api.errors import ApiError
from recommender.api.models import Scope
from recommender.api.permissions import is_partner_request
from recommender.api.serializers.jobs import UploadRequestSerializer, UploadResponseSerializer
from recommender.api.serializers.params import SimilarParams, TrackListParams
from recommender.api.serializers.tracks import SimilarResponseSerializer, TrackSerializer
from recommender.api.services.idempotency import run_once
from recommender.api.services.similar import similar_to
from recommender.api.services.track_search import search_tracks
from recommender.api.services.track_tags import tags_for
from recommender.api.services.uploads import fingerprint, upload_files
from recommender.api.views.base import ApiView

__all__ = ["SimilarTracksView", "TrackDetailView", "TrackListView"]

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="Any unique string (a UUID): a retry with the same key returns the first answer and "
    "never uploads twice.",
)


def visible_tracks(request):
    return Track.objects.visible_to(request.user).select_related("artist", "analysis", "features")


class TrackListView(ApiView):
    required_scopes = {"GET": Scope.CATALOG_READ, "POST": Scope.CATALOG_WRITE}
    serializer_class = TrackSerializer

    @extend_schema(parameters=[TrackListParams], responses=TrackSerializer(many=True))
    def get(self, request):
        """The tracks this client may see (public ones and its own), newest first, filtered."""
        params = TrackListParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        tracks = search_tracks(visible_tracks(request), params.to_query(request.user))
        page = self.paginate_queryset(tracks)
        context = {**self.get_serializer_context(), "tags": tags_for(page)}
        return self.get_paginated_response(TrackSerializer(page, many=True, context=context).data)

    @extend_schema(
        request={"multipart/form-data": UploadRequestSerializer},
        parameters=[IDEMPOTENCY_HEADER],
        responses={202: UploadResponseSerializer, 422: OpenApiResponse(description="Every file refused.")},
    )
    def post(self, request):
        """Upload audio files; each one stored opens an analysis job (poll GET /jobs/{id} or use webhooks)."""
        files = request.FILES.getlist("file")
        fields = {"file": files}
        if "visibility" in request.data:
            fields["visibility"] = request.data["visibility"]
        form = UploadRequestSerializer(data=fields)
        form.is_valid(raise_exception=True)
        if len(files) > int(api_setting("MAX_UPLOAD_FILES")):
            raise ApiError(
                f"At most {api_setting('MAX_UPLOAD_FILES')} files per request.", code="too_many_files"
            )
        visibility = form.validated_data["visibility"]

        def work() -> tuple[int, dict]:
            result = upload_files(
                files,
                user=request.user,
                partner=request.auth.partner if is_partner_request(request) else None,
                api_key=request.auth if is_partner_request(request) else None,
                visibility=visibility,
            )
            body = UploadResponseSerializer(
                {"jobs": result.jobs, "rejected": result.rejected}, context=self.get_serializer_context()
            ).data
            if not result.jobs:
                raise_all_refused(body)
            return status.HTTP_202_ACCEPTED, body

        key = request.headers.get("Idempotency-Key")
        if key is None:
            code, body = work()
            return Response(body, status=code)
        outcome = run_once(request.user, key, fingerprint(files, visibility), work)
        headers = {"Idempotent-Replayed": "true"} if outcome.replayed else {}
        return Response(outcome.body, status=outcome.status, headers=headers)


def raise_all_refused(body: dict) -> None:
    rejected = body["rejected"]
    detail = rejected[0]["detail"] if len(rejected) == 1 else f"All {len(rejected)} files were refused."
    raise ApiError(detail, code="upload_refused", status_code=422, extra={"rejected": rejected})


class TrackDetailView(ApiView):
    required_scopes = {"GET": Scope.CATALOG_READ}
    serializer_class = TrackSerializer

    def get(self, request, pk: int):
        """One track with its effective moods, families, genres, audio features and model version."""
        track = self.get_object_or_404(pk)
        context = {**self.get_serializer_context(), "tags": tags_for([track])}
        return Response(TrackSerializer(track, context=context).data)

    def get_object_or_404(self, pk: int) -> Track:
        track = visible_tracks(self.request).filter(pk=pk).first()
        if track is None:
            raise ApiError(f"No track {pk} that this client may see.", code="not_found", status_code=404)
        return track


class SimilarTracksView(ApiView):
    required_scopes = {"GET": Scope.CATALOG_READ}
    serializer_class = SimilarResponseSerializer

    @extend_schema(parameters=[SimilarParams], responses=SimilarResponseSerializer)
    def get(self, request, pk: int):
        """Tracks that sound like this one (nearest embeddings), most similar first."""
        params = SimilarParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        track = Track.objects.visible_to(request.user).filter(pk=pk).select_related("artist").first()
        if track is None:
            raise ApiError(f"No track {pk} that this client may see.", code="not_found", status_code=404)
        data = params.validated_data
        results = similar_to(
            track,
            user=request.user,
            k=data["k"],
            exclude_same_artist=data["exclude_same_artist"],
            exclude_ids=data["exclude"],
        )
        body = {"track": track.pk, "results": results}
        return Response(SimilarResponseSerializer(body, context=self.get_serializer_context()).data)
