"""Bulk actions of the track list and the review queue. Each needs the change permission on tracks, so
editors have them and view-only staff do not; the work is done by the editing and re-analysis services."""

from __future__ import annotations

from django.contrib import admin, messages

from catalog.services.editing import PRESENCE_THRESHOLD, TOP_GENRES, TOP_MOODS, confirm_top_predictions
from catalog.services.editing import mark_reviewed as mark_tracks_reviewed
from catalog.services.editing import mark_unreviewed as mark_tracks_unreviewed
from catalog.services.reanalysis import queue_reanalysis

__all__ = ["ACTIONS", "confirm_top", "mark_reviewed", "mark_unreviewed", "reanalyse"]


@admin.action(
    description=f"Confirm top predictions (up to {TOP_MOODS} moods and {TOP_GENRES} genre at "
    f"p >= {PRESENCE_THRESHOLD})",
    permissions=["change"],
)
def confirm_top(modeladmin, request, queryset) -> None:
    done = confirm_top_predictions(queryset, request.user)
    modeladmin.message_user(
        request,
        f"Confirmed {done.moods} mood(s) and {done.genres} genre(s) on {done.tracks} track(s).",
        messages.SUCCESS,
    )


@admin.action(description="Mark reviewed (records that you looked; sets no verdict)", permissions=["change"])
def mark_reviewed(modeladmin, request, queryset) -> None:
    count = mark_tracks_reviewed(queryset, request.user)
    modeladmin.message_user(request, f"{count} track(s) marked reviewed.", messages.SUCCESS)


@admin.action(description="Mark unreviewed (back to the review queue)", permissions=["change"])
def mark_unreviewed(modeladmin, request, queryset) -> None:
    count = mark_tracks_unreviewed(queryset, request.user)
    modeladmin.message_user(request, f"{count} track(s) marked unreviewed.", messages.SUCCESS)


@admin.action(description="Re-analyse selected tracks", permissions=["change"])
def reanalyse(modeladmin, request, queryset) -> None:
    result = queue_reanalysis(queryset)
    text = f"{len(result.queued)} track(s) queued for analysis."
    if result.skipped_in_flight:
        text += f" {result.skipped_in_flight} already waiting or in analysis were left as they are."
    modeladmin.message_user(request, text, messages.SUCCESS)


ACTIONS = [confirm_top, mark_reviewed, mark_unreviewed, reanalyse]
