"""The track list and the track page of the editors' workspace.

The list shows a player, status, the effective top moods and genres (editor verdicts first, see
``catalog.services.effective_tags``), the model's confidence and the review state, with filters by family,
mood, genre, status, review state and model version. Its query count does not grow with the page: related
rows are joined, and a page's tags are read in two queries once the page is known (``TaggedChangeList``).

The track page adds the tag editor (``catalog.admin.tag_editor``) above the metadata form; machine-written
fields are read-only.

Editors see what ``Track.objects.visible_to`` lets them: public tracks and the private ones their owners
submitted for review, never other private uploads (every page, action and the tag editor go through
:meth:`TrackAdmin.get_queryset`). Who sees a track is the owner's call: visibility and the review request
are read-only here except for superusers (``catalog.services.sharing``).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from catalog.admin import actions, filters, widgets
from catalog.admin.tag_editor import apply_operation, editor_context
from catalog.models import Track
from catalog.services.editing import PRESENCE_THRESHOLD
from catalog.services.effective_tags import effective_genres_for, effective_moods_for
from catalog.services.review_queue import next_in_queue

__all__ = ["TaggedChangeList", "TrackAdmin"]

LIST_MOODS = 3
LIST_GENRES = 2


class TaggedChangeList(ChangeList):
    """A changelist that attaches each listed track's effective moods and genres, two queries a page."""

    # Never shown in the list, and large: a timeline is JSON per analysis window, a waveform 600 floats.
    DEFERRED_FIELDS = ("waveform", "analysis__timeline")

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).defer(*self.DEFERRED_FIELDS)

    def get_results(self, request) -> None:
        super().get_results(request)
        tracks = list(self.result_list)  # evaluates the page once; the template iterates the same objects
        ids = [track.pk for track in tracks]
        moods, genres = effective_moods_for(ids), effective_genres_for(ids)
        for track in tracks:
            track.effective_moods = moods[track.pk]
            track.effective_genres = genres[track.pk]


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = [
        "listen",
        "title",
        "artist",
        "status",
        "top_moods",
        "top_genres",
        "confidence",
        "review_state",
        "model_version",
    ]
    list_display_links = ["title"]
    list_filter = [
        "status",
        filters.ReviewStateFilter,
        filters.FamilyFilter,
        filters.MoodFilter,
        filters.GenreFilter,
        filters.ModelVersionFilter,
        "visibility",
    ]
    list_select_related = ["artist", "analysis", "review__reviewer"]
    search_fields = ["title", "album", "artist__name", "original_filename", "content_sha256"]
    autocomplete_fields = ["artist"]
    date_hierarchy = "created"
    actions = actions.ACTIONS
    change_form_template = "admin/catalog/track/change_form.html"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "artist",
                    "album",
                    "genre_tag",
                    "owner",
                    "visibility",
                    "submitted_for_review",
                ]
            },
        ),
        ("File", {"fields": ["audio_file", "original_filename", "format", "size_bytes", "content_sha256"]}),
        (
            "Analysis",
            {
                "fields": [
                    "status",
                    "error_code",
                    "error_detail",
                    "analysis_attempts",
                    "analyzed_at",
                    "duration_s",
                    "sample_rate",
                    "channels",
                    "loudness_lufs",
                    "peak_dbfs",
                ]
            },
        ),
        ("Timestamps", {"fields": ["created", "updated"]}),
    ]
    # Written by ingest and the analysis task, never by hand: editing them would desynchronise the file.
    # The owner is the uploader: reassigning a listener's track is not an editor's call.
    readonly_fields = [
        "owner",
        "audio_file",
        "original_filename",
        "format",
        "size_bytes",
        "content_sha256",
        "status",
        "error_code",
        "error_detail",
        "analysis_attempts",
        "analyzed_at",
        "duration_s",
        "sample_rate",
        "channels",
        "loudness_lufs",
        "peak_dbfs",
        "created",
        "updated",
    ]

    class Media:
        css = {"all": ["admin-moodmix/admin.css"]}

    SHARING_FIELDS = ("visibility", "submitted_for_review")
    """The owner's decisions (``catalog.services.sharing``): read-only for everyone but superusers."""

    def has_add_permission(self, request) -> bool:
        return False  # tracks enter through ingest (upload page or import_audio), which validates audio

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += [f for f in self.SHARING_FIELDS if f not in fields]
        return fields

    def save_model(self, request, obj, form, change) -> None:
        # Read-only fields are not in the form, but a crafted POST must not publish either: the stored
        # sharing of a track is kept unless a superuser changed it.
        if change and not request.user.is_superuser:
            stored = Track.objects.filter(pk=obj.pk).values(*self.SHARING_FIELDS).first() or {}
            for field, value in stored.items():
                setattr(obj, field, value)
        super().save_model(request, obj, form, change)

    def get_changelist(self, request, **kwargs):
        return TaggedChangeList

    # --- list columns ---------------------------------------------------------------------------------

    @admin.display(description="play")
    def listen(self, track: Track):
        return widgets.player(track)

    @admin.display(description="top moods")
    def top_moods(self, track: Track):
        return widgets.tag_chips(track.effective_moods, LIST_MOODS, threshold=PRESENCE_THRESHOLD)

    @admin.display(description="top genres")
    def top_genres(self, track: Track):
        return widgets.tag_chips(track.effective_genres, LIST_GENRES, threshold=PRESENCE_THRESHOLD)

    @admin.display(description="confidence", ordering="-analysis__uncertainty")
    def confidence(self, track: Track):
        return widgets.confidence_meter(getattr(track, "analysis", None))

    @admin.display(description="review", ordering="review__reviewed_at")
    def review_state(self, track: Track):
        return widgets.review_badge(getattr(track, "review", None))

    @admin.display(description="model version", ordering="analysis__model_version")
    def model_version(self, track: Track) -> str:
        analysis = getattr(track, "analysis", None)
        return analysis.model_version if analysis else "-"

    # --- the track page and its tag editor --------------------------------------------------------------

    def get_urls(self):
        opts = self.model._meta
        tags = path(
            "<int:object_id>/tags/",
            self.admin_site.admin_view(require_POST(self.tags_view)),
            name=f"{opts.app_label}_{opts.model_name}_tags",
        )
        return [tags, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        track = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if track is not None:
            extra.update(editor_context(track))
            extra["player"] = widgets.player(track)
            extra["tags_url"] = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_tags", args=[track.pk]
            )
            extra["can_tag"] = self.has_change_permission(request, track)
        return super().change_view(request, object_id, form_url, extra)

    def tags_view(self, request: HttpRequest, object_id: int):
        """Apply one tag-editor operation, then back to the track page (or on to the next track in the
        review queue after "reviewed, next")."""
        track = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_change_permission(request, track):
            raise PermissionDenied
        outcome = apply_operation(request, track)
        self.message_user(request, outcome.message, messages.SUCCESS if outcome.ok else messages.ERROR)
        target = next_in_queue(request.user, after=track) if outcome.go_to_next else track
        if target is None:
            self.message_user(request, "The review queue is empty.", messages.INFO)
            return HttpResponseRedirect(reverse("admin:catalog_reviewqueueentry_changelist"))
        return HttpResponseRedirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[target.pk])
        )
