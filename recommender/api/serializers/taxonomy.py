"""The mood taxonomy and the genre hierarchy."""

from __future__ import annotations

from rest_framework import serializers

from catalog.models import Genre, Mood, MoodLevel

__all__ = ["GenreSerializer", "MoodSerializer"]

_LEVEL_NAMES = {MoodLevel.FAMILY: "family", MoodLevel.MOOD: "mood", MoodLevel.WORD: "word"}


class MoodSerializer(serializers.ModelSerializer):
    """A family (level 1), mood (2, what the model predicts) or word (3, editors' vocabulary)."""

    level = serializers.SerializerMethodField(help_text="family, mood or word.")
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Mood
        fields = ["slug", "name", "level", "parent", "colour", "description", "valence", "arousal"]

    def get_level(self, mood: Mood) -> str:
        return _LEVEL_NAMES[MoodLevel(mood.level)]


class GenreSerializer(serializers.ModelSerializer):
    """A genre (no parent: what the model predicts) or a subgenre (editors' vocabulary)."""

    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Genre
        fields = ["slug", "name", "parent", "description"]
