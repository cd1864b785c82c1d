"""Read-mostly admin for listener data (support and debugging); N+1-safe lists."""

from django.contrib import admin

from recommender.models import ListenerProfile, ListeningEvent, Playlist, PlaylistItem


@admin.register(ListeningEvent)
class ListeningEventAdmin(admin.ModelAdmin):
    list_display = ["created", "user", "kind", "track", "fraction"]
    list_filter = ["kind"]
    list_select_related = ["user", "track__artist"]
    search_fields = ["user__username", "track__title"]
    raw_id_fields = ["user", "track", "playlist"]
    readonly_fields = ["created"]


class PlaylistItemInline(admin.TabularInline):
    model = PlaylistItem
    raw_id_fields = ["track"]
    readonly_fields = ["position", "score", "reason"]
    extra = 0


@admin.register(Playlist)
class PlaylistAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "strategy", "saved", "model_version", "created"]
    list_filter = ["strategy", "saved"]
    list_select_related = ["owner"]
    search_fields = ["name", "owner__username"]
    raw_id_fields = ["owner"]
    readonly_fields = ["request", "model_version", "created", "updated"]
    inlines = [PlaylistItemInline]


@admin.register(ListenerProfile)
class ListenerProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "signal_count", "positive_weight", "model_version", "updated"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    readonly_fields = [f.name for f in ListenerProfile._meta.fields]
