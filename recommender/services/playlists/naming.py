"""A default name for a generated playlist, from what was asked."""

from __future__ import annotations

from django.utils import timezone

from catalog.models import Track
from recommender.services.playlists.request import PlaylistRequest

__all__ = ["default_name"]


def default_name(request: PlaylistRequest, user) -> str:
    if request.strategy == "journey":
        base = f"{request.journey_from.title()} → {request.journey_to.title()}"
    elif request.strategy == "seed":
        first = (
            Track.objects.visible_to(user)
            .filter(pk__in=request.seeds)
            .values_list("title", flat=True)
            .first()
        )
        base = f"More like {first}" if first else "More like these"
    elif request.moods:
        ranked = sorted(request.moods.items(), key=lambda kv: (-kv[1], kv[0]))
        base = " + ".join(name.title() for name, _ in ranked[:3])
    else:
        base = "Mood point"
    return f"{base} · {timezone.localtime():%b %d %H:%M}"[:120]
