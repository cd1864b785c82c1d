"""``/moods`` and ``/genres``: the vocabularies tracks are tagged with (whole lists, no paging: small)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework.response import Response

from catalog.models import Genre, Mood
from recommender.api.models import Scope
from recommender.api.serializers.params import MOOD_LEVELS, MoodListParams
from recommender.api.serializers.taxonomy import GenreSerializer, MoodSerializer
from recommender.api.views.base import ApiView

__all__ = ["GenreListView", "MoodListView"]


class MoodListView(ApiView):
    required_scopes = {"GET": Scope.CATALOG_READ}
    serializer_class = MoodSerializer
    pagination_class = None

    @extend_schema(
        parameters=[MoodListParams],
        responses=inline_serializer("MoodList", {"results": MoodSerializer(many=True)}),
    )
    def get(self, request):
        """Families, moods and words (``?level=`` for one level), families' colours included."""
        params = MoodListParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        moods = Mood.objects.select_related("parent")
        if level := params.validated_data.get("level"):
            moods = moods.filter(level=MOOD_LEVELS[level])
        return Response({"results": MoodSerializer(moods, many=True).data})


class GenreListView(ApiView):
    required_scopes = {"GET": Scope.CATALOG_READ}
    serializer_class = GenreSerializer
    pagination_class = None

    @extend_schema(responses=inline_serializer("GenreList", {"results": GenreSerializer(many=True)}))
    def get(self, request):
        """Genres and subgenres."""
        genres = Genre.objects.select_related("parent")
        return Response({"results": GenreSerializer(genres, many=True).data})
