"""``/audio-features``: Spotify-shaped audio features of one or many tracks."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from catalog.choices import TrackStatus
from recommender.api.errors import ApiError
from recommender.api.models import Scope
from recommender.api.serializers.features import AudioFeaturesListSerializer, AudioFeaturesSerializer
from recommender.api.serializers.params import IdListParams
from recommender.api.views.base import ApiView
from recommender.api.views.tracks import visible_tracks

__all__ = ["AudioFeaturesDetailView", "AudioFeaturesListView"]


def _with_features(request):
    return visible_tracks(request).filter(
        status=TrackStatus.ANALYZED, features__isnull=False, analysis__isnull=False
    )


class AudioFeaturesListView(ApiView):
    required_scopes = {"GET": Scope.CATALOG_READ}
    serializer_class = AudioFeaturesListSerializer
    pagination_class = None

    @extend_schema(
        operation_id="audio_features_list", parameters=[IdListParams], responses=AudioFeaturesListSerializer
    )
    def get(self, request):
        """Features of up to MAX_IDS tracks, in the order asked; null for ids unknown, private or unanalysed
        (as Spotify answers)."""
        params = IdListParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        ids = params.validated_data["ids"]
        found = _with_features(request).in_bulk(ids)
        context = self.get_serializer_context()
        features = [
            AudioFeaturesSerializer(found[i], context=context).data if i in found else None for i in ids
        ]
        return Response({"audio_features": features})


class AudioFeaturesDetailView(ApiView):
    required_scopes = {"GET": Scope.CATALOG_READ}
    serializer_class = AudioFeaturesSerializer

    def get(self, request, pk: int):
        """Audio features of one analysed track."""
        track = _with_features(request).filter(pk=pk).first()
        if track is None:
            raise ApiError(
                f"No analysed track {pk} that this client may see.", code="not_found", status_code=404
            )
        return Response(AudioFeaturesSerializer(track, context=self.get_serializer_context()).data)
