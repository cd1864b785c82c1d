"""Artists in the admin: name, slug and how many tracks each has (counted in the list query).

Artists are shared by every uploader's tracks, so an artist known only from another listener's private
uploads would reveal them: editors see the artists of tracks they may see (``Track.objects.visible_to``)
and artists without tracks (ones editors created), and counts include only tracks they may see.
"""

from django.contrib import admin
from django.db.models import Count, Exists, OuterRef, Q

from catalog.models import Artist, Track

__all__ = ["ArtistAdmin"]


@admin.register(Artist)
class ArtistAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "track_count", "created"]
    search_fields = ["name"]
    readonly_fields = ["created"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        artists = super().get_queryset(request)
        if request.user.is_superuser:
            return artists.annotate(track_count=Count("tracks"))
        visible = Track.objects.visible_to(request.user).values("pk")
        artists = artists.annotate(track_count=Count("tracks", filter=Q(tracks__in=visible)))
        has_tracks = Exists(Track.objects.filter(artist=OuterRef("pk")))
        return artists.filter(Q(track_count__gt=0) | ~has_tracks)

    @admin.display(description="tracks", ordering="track_count")
    def track_count(self, artist: Artist) -> int:
        return artist.track_count
