"""``/recommendations`` and ``/playlists``: thin views over the playlist service (scope ``playlists``)."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from recommender.api.errors import ApiError
from recommender.api.models import Scope
from recommender.api.permissions import is_partner_request
from recommender.api.serializers.playlists import (
    PlaylistCreateSerializer,
    PlaylistSerializer,
    RecommendationParams,
    RecommendationsSerializer,
)
from recommender.api.services.listeners import listener_for
from recommender.api.services.recommendations import (
    create_playlist,
    playlist_items,
    playlists_for_client,
    recommend,
    shown_items,
)
from recommender.api.views.base import ApiView
from recommender.services.playlists import PlaylistError

__all__ = ["PlaylistDetailView", "PlaylistListView", "RecommendationsView"]


def _refused(error: Exception) -> ApiError:
    """The service's own message (written for users) as a 400."""
    return ApiError(str(error), code="invalid_parameters")


class RecommendationsView(ApiView):
    required_scopes = {"GET": Scope.PLAYLISTS}
    serializer_class = RecommendationsSerializer
    pagination_class = None

    @extend_schema(parameters=[RecommendationParams], responses=RecommendationsSerializer)
    def get(self, request):
        """Tracks for a mood, seeds or a journey, in playing order, each with the reason it was chosen."""
        params = RecommendationParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        ask = params.validated_data["ask"]
        try:
            generated = recommend(ask, request.user)
        except (PlaylistError, ValueError) as error:
            raise _refused(error) from None
        body = {
            "strategy": ask.request.strategy,
            "model_version": generated.model_version,
            "items": shown_items(generated.items),
        }
        return Response(RecommendationsSerializer(body).data)


def _playlist_body(playlist) -> dict:
    listener = getattr(playlist.owner, "partner_listener", None)
    return {
        "id": playlist.pk,
        "name": playlist.name,
        "strategy": playlist.strategy,
        "model_version": playlist.model_version,
        "listener": listener.external_id if listener else None,
        "request": playlist.request,
        "created": playlist.created,
        "items": playlist_items(playlist),
    }


class PlaylistListView(ApiView):
    required_scopes = {"POST": Scope.PLAYLISTS}
    serializer_class = PlaylistSerializer

    @extend_schema(
        request=PlaylistCreateSerializer,
        responses={201: PlaylistSerializer, 422: OpenApiResponse(description="No track fits the request.")},
    )
    def post(self, request):
        """Generate and store a playlist, for the caller or for one of the partner's listeners."""
        form = PlaylistCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        if "listener" in data and not is_partner_request(request):
            raise ApiError("'listener' is for partner keys.", code="partner_only", status_code=403)
        # One transaction: a refused request leaves no new listener account behind.
        with transaction.atomic():
            owner = request.user
            if "listener" in data:
                owner = listener_for(request.auth.partner, data["listener"]).user
            try:
                playlist = create_playlist(data["ask"], owner, data.get("name", ""))
            except (PlaylistError, ValueError) as error:
                raise _refused(error) from None
            if playlist is None:
                raise ApiError(
                    "No track fits these choices: loosen the constraints or the moods.",
                    code="no_matching_tracks",
                    status_code=422,
                )
        return Response(PlaylistSerializer(_playlist_body(playlist)).data, status=status.HTTP_201_CREATED)


class PlaylistDetailView(ApiView):
    required_scopes = {"GET": Scope.PLAYLISTS}
    serializer_class = PlaylistSerializer

    def get(self, request, pk: int):
        """A stored playlist of the caller or of one of its listeners, with each track's reason."""
        partner = request.auth.partner if is_partner_request(request) else None
        playlist = playlists_for_client(request.user, partner).filter(pk=pk).first()
        if playlist is None:
            raise ApiError(f"No playlist {pk} of this client.", code="not_found", status_code=404)
        return Response(PlaylistSerializer(_playlist_body(playlist)).data)
