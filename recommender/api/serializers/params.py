"""Query parameters, validated like request bodies: a bad value is a 400 naming the parameter."""

from __future__ import annotations

import re

from rest_framework import serializers

from catalog.choices import TrackStatus
from catalog.models import Genre, Mood, MoodLevel
from recommender.api.conf import api_setting
from recommender.api.services.track_search import TrackQuery

__all__ = ["IdListParams", "SimilarParams", "TrackListParams"]

_DIGITS = re.compile(r"[0-9]+")  # ASCII only: str.isdigit() accepts "²", which int() refuses

_VA = {"min_value": -1.0, "max_value": 1.0, "required": False}


def _term(queryset, value: str, what: str):
    """A taxonomy row by slug or name (case and blanks ignored)."""
    name = " ".join(value.split()).lower()
    row = queryset.filter(slug=value).first() or queryset.filter(name=name).first()
    if row is None:
        raise serializers.ValidationError(f"Unknown {what} '{value}'; see GET /api/v1/{what.split()[-1]}s.")
    return row


class TrackListParams(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=200, help_text="Text in title, artist or album.")
    status = serializers.ChoiceField(choices=TrackStatus.choices, required=False)
    mood = serializers.CharField(required=False, help_text="A mood or word (name or slug), see GET /moods.")
    family = serializers.CharField(required=False, help_text="A mood family (name or slug).")
    genre = serializers.CharField(required=False, help_text="A genre or subgenre (name or slug).")
    min_score = serializers.FloatField(
        required=False,
        default=0.5,
        min_value=0.0,
        max_value=1.0,
        help_text="Effective score a track needs on mood/family/genre to match.",
    )
    valence_min = serializers.FloatField(**_VA)
    valence_max = serializers.FloatField(**_VA)
    arousal_min = serializers.FloatField(**_VA)
    arousal_max = serializers.FloatField(**_VA)
    mine = serializers.BooleanField(required=False, default=False, help_text="Only the caller's uploads.")

    def validate_mood(self, value: str) -> Mood:
        return _term(Mood.objects.terms(), value, "mood")

    def validate_family(self, value: str) -> Mood:
        return _term(Mood.objects.families(), value, "mood family")

    def validate_genre(self, value: str) -> Genre:
        return _term(Genre.objects.all(), value, "genre")

    def validate(self, attrs: dict) -> dict:
        for axis in ("valence", "arousal"):
            low, high = attrs.get(f"{axis}_min"), attrs.get(f"{axis}_max")
            if low is not None and high is not None and low > high:
                raise serializers.ValidationError({f"{axis}_min": [f"Greater than {axis}_max."]})
        return attrs

    def to_query(self, user) -> TrackQuery:
        data = self.validated_data
        return TrackQuery(
            text=data.get("q", "").strip(),
            status=data.get("status", ""),
            mood=data.get("mood"),
            family=data.get("family"),
            genre=data.get("genre"),
            min_score=data["min_score"],
            valence_min=data.get("valence_min"),
            valence_max=data.get("valence_max"),
            arousal_min=data.get("arousal_min"),
            arousal_max=data.get("arousal_max"),
            owned_by=user if data["mine"] else None,
        )


class SimilarParams(serializers.Serializer):
    k = serializers.IntegerField(required=False, default=10, min_value=1, max_value=100)
    exclude_same_artist = serializers.BooleanField(
        required=False, default=False, help_text="Leave out tracks by the query track's artist."
    )
    exclude = serializers.CharField(
        required=False, default="", help_text="Comma-separated track ids to leave out (already played...)."
    )

    def validate_exclude(self, value: str) -> frozenset[int]:
        return frozenset(_ids(value, allow_empty=True))


class IdListParams(serializers.Serializer):
    ids = serializers.CharField(help_text="Comma-separated track ids (at most MAX_IDS).")

    def validate_ids(self, value: str) -> list[int]:
        return _ids(value, allow_empty=False)


def _ids(value: str, *, allow_empty: bool) -> list[int]:
    parts = [part.strip() for part in value.split(",") if part.strip()]
    if not parts and not allow_empty:
        raise serializers.ValidationError("Give at least one id.")
    if not all(_DIGITS.fullmatch(part) and len(part) < 19 for part in parts):
        raise serializers.ValidationError("Ids must be comma-separated whole numbers.")
    if len(parts) > int(api_setting("MAX_IDS")):
        raise serializers.ValidationError(f"At most {api_setting('MAX_IDS')} ids per request.")
    return list(dict.fromkeys(int(part) for part in parts))


MOOD_LEVELS = {"family": MoodLevel.FAMILY, "mood": MoodLevel.MOOD, "word": MoodLevel.WORD}


class MoodListParams(serializers.Serializer):
    level = serializers.ChoiceField(choices=list(MOOD_LEVELS), required=False)
