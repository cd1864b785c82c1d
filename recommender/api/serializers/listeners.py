"""Partner-managed listeners: a batch of listening events in, the profile out."""

from __future__ import annotations

from rest_framework import serializers

from recommender.api.serializers.playlists import StrictSerializer
from recommender.models import EventKind

__all__ = ["EventBatchSerializer", "ListenerProfileSerializer", "RecordedSerializer"]

MAX_EVENTS = 500


class ListeningEventSerializer(StrictSerializer):
    track = serializers.IntegerField(min_value=1, help_text="A track id the listener may hear.")
    kind = serializers.ChoiceField(choices=EventKind.choices)
    fraction = serializers.FloatField(
        required=False,
        allow_null=True,
        min_value=0.0,
        max_value=1.0,
        help_text="Plays and skips: the share of the track heard; ignored for likes and dislikes.",
    )
    playlist = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class EventBatchSerializer(StrictSerializer):
    events = ListeningEventSerializer(
        many=True, help_text=f"In the order they happened, at most {MAX_EVENTS}."
    )

    def validate_events(self, value: list) -> list:
        if not value:
            raise serializers.ValidationError("Send at least one event.")
        if len(value) > MAX_EVENTS:
            raise serializers.ValidationError(f"At most {MAX_EVENTS} events per request.")
        return value


class RecordedSerializer(serializers.Serializer):
    recorded = serializers.IntegerField(help_text="Events stored by this request.")
    signal_count = serializers.IntegerField(help_text="Signals the listener's profile now rests on.")


class FamilyShareSerializer(serializers.Serializer):
    name = serializers.CharField()
    colour = serializers.CharField()
    share = serializers.FloatField(help_text="The listener's share of this family.")
    prior = serializers.FloatField(help_text="The catalogue's share (what chance would give).")
    lift = serializers.FloatField()


class GenreLiftSerializer(serializers.Serializer):
    name = serializers.CharField()
    share = serializers.FloatField()
    prior = serializers.FloatField()
    lift = serializers.FloatField()


class PortraitSentenceSerializer(serializers.Serializer):
    text = serializers.CharField()
    moods = serializers.ListField(child=serializers.CharField(), help_text="What produced the sentence.")
    family = serializers.CharField()


class PortraitSerializer(serializers.Serializer):
    family = serializers.CharField()
    colour = serializers.CharField()
    text = serializers.CharField()
    sentences = PortraitSentenceSerializer(many=True)


class ListenerProfileSerializer(serializers.Serializer):
    listener = serializers.CharField(help_text="Your id of the listener.")
    signal_count = serializers.IntegerField()
    model_version = serializers.CharField(allow_blank=True)
    prevalent_family = serializers.CharField(allow_null=True)
    families = FamilyShareSerializer(many=True)
    top_genres = GenreLiftSerializer(many=True)
    portrait = PortraitSerializer(allow_null=True)
    updated = serializers.DateTimeField(allow_null=True)
