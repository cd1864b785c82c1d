"""Artists in the admin: name, slug and how many tracks each has (counted in the list query)."""

from django.contrib import admin
from django.db.models import Count

from catalog.models import Artist

__all__ = ["ArtistAdmin"]


@admin.register(Artist)
class ArtistAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "track_count", "created"]
    search_fields = ["name"]
    readonly_fields = ["created"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(track_count=Count("tracks"))

    @admin.display(description="tracks", ordering="track_count")
    def track_count(self, artist: Artist) -> int:
        return artist.track_count
