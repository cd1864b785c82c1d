"""The review queue page: unreviewed analysed tracks, the model's least certain first
(``catalog.services.review_queue``). Opening an entry opens the track's own page, so there is one tag
editor and one history per track; "Reviewed, next" there moves on down the queue."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse

from catalog.admin import filters
from catalog.admin.tracks import TrackAdmin
from catalog.models import ReviewQueueEntry
from catalog.services.review_queue import QUEUE_ORDER, review_queue

__all__ = ["ReviewQueueAdmin"]


@admin.register(ReviewQueueEntry)
class ReviewQueueAdmin(TrackAdmin):
    ordering = list(QUEUE_ORDER)
    list_display = ["listen", "title", "artist", "top_moods", "top_genres", "confidence", "model_version"]
    list_filter = [
        filters.FamilyFilter,
        filters.MoodFilter,
        filters.GenreFilter,
        filters.ModelVersionFilter,
        "visibility",
    ]
    date_hierarchy = None

    def get_queryset(self, request):
        return review_queue(super().get_queryset(request))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:catalog_track_change", args=[object_id]))
