"""Audio features with Spotify's field names where the meaning is the same (docs/api.md lists the
differences): a client written for Spotify's ``/audio-features`` reads these with few changes.

Expects tracks with ``features`` and ``analysis`` loaded (select_related).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from catalog.models import Track
from catalog.models.analysis import KeyMode, PitchClass

__all__ = ["AudioFeaturesSerializer", "AudioFeaturesListSerializer"]

PITCH_CLASSES = list(PitchClass.values)  # C=0 ... B=11, Spotify's standard Pitch Class notation
MODES = {KeyMode.MAJOR: 1, KeyMode.MINOR: 0}


class AudioFeaturesSerializer(serializers.Serializer):
    type = serializers.SerializerMethodField()
    id = serializers.IntegerField(source="pk", help_text="The Moodmix track id.")
    track_href = serializers.SerializerMethodField()
    duration_ms = serializers.SerializerMethodField()
    danceability = serializers.FloatField(source="features.danceability", help_text="In [0, 1].")
    energy = serializers.FloatField(source="features.energy", help_text="In [0, 1].")
    key = serializers.SerializerMethodField()
    mode = serializers.SerializerMethodField()
    loudness = serializers.FloatField(
        source="features.loudness_lufs",
        allow_null=True,
        help_text="Integrated loudness in LUFS (ITU-R BS.1770); Spotify's is a mean dB level. Null for "
        "near-silence.",
    )
    speechiness = serializers.FloatField(
        source="features.speechiness", help_text="Probability the audio is speech, in [0, 1]."
    )
    valence = serializers.SerializerMethodField()
    tempo = serializers.FloatField(
        source="features.tempo_bpm", allow_null=True, help_text="BPM; null (not 0) when there is no pulse."
    )
    # Moodmix's own fields.
    arousal = serializers.FloatField(source="analysis.arousal", help_text="Calm -1 .. excited +1.")
    valence_signed = serializers.FloatField(source="analysis.valence", help_text="In [-1, 1] as predicted.")
    key_name = serializers.CharField(source="features.key", help_text="'C' .. 'B', empty without a key.")
    key_confidence = serializers.FloatField(source="features.key_confidence")
    tempo_confidence = serializers.FloatField(source="features.tempo_confidence")
    model_version = serializers.CharField(source="features.model_version")

    def get_type(self, track: Track) -> str:
        return "audio_features"

    def get_track_href(self, track: Track) -> str:
        return reverse("api:track-detail", args=[track.pk], request=self.context.get("request"))

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_duration_ms(self, track: Track) -> int | None:
        return round(track.duration_s * 1000) if track.duration_s is not None else None

    @extend_schema_field(serializers.IntegerField(help_text="Pitch class 0 (C) .. 11 (B); -1 without a key."))
    def get_key(self, track: Track) -> int:
        return PITCH_CLASSES.index(track.features.key) if track.features.key else -1

    @extend_schema_field(serializers.IntegerField(allow_null=True, help_text="1 major, 0 minor."))
    def get_mode(self, track: Track) -> int | None:
        return MODES.get(track.features.mode)

    @extend_schema_field(serializers.FloatField(help_text="In [0, 1] like Spotify's: (valence + 1) / 2."))
    def get_valence(self, track: Track) -> float:
        return round((track.analysis.valence + 1.0) / 2.0, 6)


class AudioFeaturesListSerializer(serializers.Serializer):
    audio_features = AudioFeaturesSerializer(
        many=True, allow_null=True, help_text="In the order of ?ids=; null for an unknown or unanalysed id."
    )
