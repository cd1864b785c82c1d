"""The taxonomy in the admin: editors add mood words and subgenres (and fix descriptions); the seeded
names come from ``ml/taxonomy`` (``manage.py load_taxonomy``). Nothing here deletes: tags refer to terms
(``on_delete=PROTECT``), and the Editors group has no delete permission."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html

from catalog.models import Genre, Mood

__all__ = ["GenreAdmin", "MoodAdmin"]


@admin.register(Mood)
class MoodAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "parent", "swatch", "valence", "arousal"]
    list_filter = ["level", ("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent__parent"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["created", "updated"]
    fields = [
        "name",
        "level",
        "parent",
        "colour",
        "description",
        "valence",
        "arousal",
        "gems_factors",
        "gems_superfactor",
        "sources",
        "created",
        "updated",
    ]

    @admin.display(description="colour")
    def swatch(self, mood: Mood):
        return format_html('<span class="mm-swatch" style="--mm-colour: {}"></span>', mood.display_colour)


@admin.register(Genre)
class GenreAdmin(admin.ModelAdmin):
    list_display = ["name", "parent"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["created", "updated"]
