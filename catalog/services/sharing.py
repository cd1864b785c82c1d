"""Who a track is shared with: its visibility and whether its owner submitted it for review.

Both are the owner's decisions (a superuser may step in): editors work on public tracks and on the
private tracks owners submit to them (``Track.objects.visible_to``), and never publish a listener's
private upload themselves. Every change is written to the track's admin history.
"""

from __future__ import annotations

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction

from catalog.choices import Visibility
from catalog.models import Track

__all__ = ["can_change_sharing", "change_sharing"]


def can_change_sharing(user, track: Track) -> bool:
    """The owner of ``track`` or a superuser; editors and other staff are not."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or (track.owner_id is not None and track.owner_id == user.pk)


@transaction.atomic
def change_sharing(
    track: Track, user, *, visibility: Visibility | None = None, submitted_for_review: bool | None = None
) -> list[str]:
    """Set what is given (None: leave as is) and return what changed, as history phrases. Raises
    PermissionDenied unless ``user`` may (:func:`can_change_sharing`)."""
    if not can_change_sharing(user, track):
        raise PermissionDenied("Only the track's owner or a superuser changes who sees it.")
    changes = []
    if visibility is not None and visibility != track.visibility:
        track.visibility = Visibility(visibility)
        changes.append(f"visibility: {track.get_visibility_display().lower()}")
    if submitted_for_review is not None and submitted_for_review != track.submitted_for_review:
        track.submitted_for_review = submitted_for_review
        changes.append("submitted for review" if submitted_for_review else "withdrawn from review")
    if changes:
        track.save(update_fields=["visibility", "submitted_for_review", "updated"])
        LogEntry.objects.create(
            user_id=user.pk,
            content_type=ContentType.objects.get_for_model(Track),
            object_id=str(track.pk),
            object_repr=str(track)[:200],
            action_flag=CHANGE,
            change_message="Sharing changed by the owner: " + ", ".join(changes)
            if track.owner_id == user.pk
            else "Sharing changed by a superuser: " + ", ".join(changes),
        )
    return changes
