"""``{% similar_tracks track %}``: the "similar tracks" list of a track page (catalog/_similar_tracks.html),
built by ``recommender.services.similar_list`` for the listener viewing the page."""

from __future__ import annotations

from django import template

from catalog.models import Track
from recommender.services.similar_list import similar_rows

__all__ = ["similar_tracks"]

register = template.Library()

SHOWN = 8


@register.inclusion_tag("catalog/_similar_tracks.html", takes_context=True)
def similar_tracks(context, track: Track) -> dict:
    user = context["request"].user if "request" in context else None
    return {"track": track, "rows": similar_rows(track, user, k=SHOWN)}
