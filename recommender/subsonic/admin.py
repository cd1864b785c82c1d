from django.contrib import admin

from recommender.subsonic.models import Scrobble, Star, SubsonicCredential


@admin.register(SubsonicCredential)
class SubsonicCredentialAdmin(admin.ModelAdmin):
    list_display = ["user", "updated"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    # The secrets are the listener's; staff see that they exist, not what they are.
    exclude = ["password", "api_key_sha256"]
    readonly_fields = ["user", "updated"]


@admin.register(Star, Scrobble)
class SignalAdmin(admin.ModelAdmin):
    list_select_related = ["user", "track"]
    raw_id_fields = ["user", "track"]
