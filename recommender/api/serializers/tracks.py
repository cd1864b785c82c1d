"""Tracks as the API shows them: metadata, analysis state, effective moods/families/genres, features."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.choices import TrackErrorCode, TrackStatus
from catalog.models import AudioFeatures, Track
from recommender.api.services.track_tags import TrackTags

__all__ = [
    "SimilarResponseSerializer",
    "SimilarResultSerializer",
    "TrackSerializer",
    "TrackSummarySerializer",
]


class ArtistRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TagSerializer(serializers.Serializer):
    """One effective term: ``score`` in [0, 1]; ``source`` ``model`` or ``editor`` (editors win)."""

    name = serializers.CharField(source="term.name")
    slug = serializers.CharField(source="term.slug")
    score = serializers.FloatField()
    source = serializers.CharField()


class TrackErrorSerializer(serializers.Serializer):
    """Why the analysis failed: a stable code and its fixed explanation (never internal details)."""

    code = serializers.ChoiceField(choices=TrackErrorCode.choices)
    message = serializers.CharField()


class FeaturesSerializer(serializers.ModelSerializer):
    """The stored audio features under their own names (docs/audio-features.md)."""

    class Meta:
        model = AudioFeatures
        fields = [
            "tempo_bpm",
            "tempo_confidence",
            "key",
            "mode",
            "key_confidence",
            "loudness_lufs",
            "energy",
            "danceability",
            "speechiness",
            "valence",
            "model_version",
        ]


class TrackSummarySerializer(serializers.ModelSerializer):
    """What a list of references to tracks shows (similar tracks, jobs)."""

    artist = ArtistRefSerializer()
    status = serializers.ChoiceField(choices=TrackStatus.choices)

    class Meta:
        model = Track
        fields = ["id", "title", "artist", "album", "duration_s", "status"]


class TrackSerializer(serializers.ModelSerializer):
    """A track with its analysis. Expects ``context["tags"]``: track id -> :class:`TrackTags`."""

    artist = ArtistRefSerializer()
    status = serializers.ChoiceField(choices=TrackStatus.choices)
    error = serializers.SerializerMethodField()
    model_version = serializers.SerializerMethodField()
    valence = serializers.SerializerMethodField()
    arousal = serializers.SerializerMethodField()
    is_speech = serializers.SerializerMethodField()
    moods = serializers.SerializerMethodField()
    families = serializers.SerializerMethodField()
    genres = serializers.SerializerMethodField()
    features = serializers.SerializerMethodField()

    class Meta:
        model = Track
        fields = [
            "id",
            "title",
            "artist",
            "album",
            "genre_tag",
            "duration_s",
            "format",
            "visibility",
            "status",
            "error",
            "model_version",
            "valence",
            "arousal",
            "is_speech",
            "moods",
            "families",
            "genres",
            "features",
            "created",
            "analyzed_at",
        ]

    def _tags(self, track: Track) -> TrackTags:
        return self.context.get("tags", {}).get(track.pk) or TrackTags()

    @staticmethod
    def _analysis(track: Track):
        return getattr(track, "analysis", None)

    @extend_schema_field(TrackErrorSerializer(allow_null=True))
    def get_error(self, track: Track) -> dict | None:
        if not track.error_code:
            return None
        return {"code": track.error_code, "message": TrackErrorCode(track.error_code).label}

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_model_version(self, track: Track) -> str | None:
        analysis = self._analysis(track)
        return analysis.model_version if analysis else None

    @extend_schema_field(serializers.FloatField(allow_null=True, help_text="In [-1, 1]."))
    def get_valence(self, track: Track) -> float | None:
        analysis = self._analysis(track)
        return analysis.valence if analysis else None

    @extend_schema_field(serializers.FloatField(allow_null=True, help_text="In [-1, 1]."))
    def get_arousal(self, track: Track) -> float | None:
        analysis = self._analysis(track)
        return analysis.arousal if analysis else None

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_is_speech(self, track: Track) -> bool | None:
        analysis = self._analysis(track)
        return analysis.is_speech if analysis else None

    @extend_schema_field(TagSerializer(many=True))
    def get_moods(self, track: Track) -> list:
        return TagSerializer(self._tags(track).moods, many=True).data

    @extend_schema_field(TagSerializer(many=True))
    def get_families(self, track: Track) -> list:
        return TagSerializer(self._tags(track).families, many=True).data

    @extend_schema_field(TagSerializer(many=True))
    def get_genres(self, track: Track) -> list:
        return TagSerializer(self._tags(track).genres, many=True).data

    @extend_schema_field(FeaturesSerializer(allow_null=True))
    def get_features(self, track: Track) -> dict | None:
        features = getattr(track, "features", None)
        return FeaturesSerializer(features).data if features else None


class SimilarResultSerializer(serializers.Serializer):
    """A neighbour: cosine similarity of the two embeddings (1 = same direction), and the track."""

    similarity = serializers.FloatField()
    track = TrackSummarySerializer()


class SimilarResponseSerializer(serializers.Serializer):
    track = serializers.IntegerField(help_text="The query track.")
    results = SimilarResultSerializer(many=True)
