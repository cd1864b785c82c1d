"""The music map page and its JSON: the points (``/map/points.json``) and a lasso's tracks
(``/map/region.json``, POST of ``{"polygon": [[x, y], ...]}``, answering tracks in play order)."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from catalog.models import Mood
from recommender.explore.music_map import current_map, map_payload, region_tracks

__all__ = ["map_page", "map_points", "map_region"]

MAX_POLYGON = 500


@require_GET
def map_page(request: HttpRequest) -> HttpResponse:
    families = list(Mood.objects.families().order_by("pk").values("name", "colour"))
    return render(request, "explore/map.html", {"families": families})


@require_GET
def map_points(request: HttpRequest) -> JsonResponse:
    music_map = current_map(request.GET.get("model_version"))
    if music_map is None:
        return _not_ready()
    return JsonResponse(map_payload(request.user, music_map))


@csrf_exempt  # read-only: POST only because a lasso can be long; nothing changes on the server
@require_POST
def map_region(request: HttpRequest) -> JsonResponse:
    try:
        body = json.loads(request.body)
        polygon = [(float(x), float(y)) for x, y in body["polygon"]][:MAX_POLYGON]
    except (ValueError, KeyError, TypeError):
        body = {"code": "invalid", "message": "polygon: a list of [x, y] pairs"}
        return JsonResponse({"error": body}, status=400)
    music_map = current_map(body.get("model_version"))
    if music_map is None:
        return _not_ready()
    tracks = region_tracks(request.user, music_map, polygon)
    return JsonResponse(
        {
            "tracks": [
                {
                    "id": t.id,
                    "title": t.title,
                    "artist": t.artist,
                    "audio": reverse("catalog:track-audio", args=[t.id]),
                    "url": reverse("catalog:track-detail", args=[t.id]),
                }
                for t in tracks
            ]
        }
    )


def _not_ready() -> JsonResponse:
    body = {"code": "not_ready", "message": "The map has not been computed yet."}
    return JsonResponse({"error": body}, status=404)
