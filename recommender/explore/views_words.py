"""``/words/read.json?text=...``: what a sentence was read as, for the playlist page and API to show and
let the listener adjust (the playlists work calls ``recommender.services.words.read_words`` itself)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from recommender.services.words import NotUnderstood, read_words

__all__ = ["read_words_json"]


@require_GET
def read_words_json(request: HttpRequest) -> JsonResponse:
    text = request.GET.get("text", "").strip()
    if not text:
        body = {"code": "missing", "message": "Say what you want to hear."}
        return JsonResponse({"error": body}, status=400)
    try:
        reading = read_words(text)
    except NotUnderstood as exc:
        body = {"code": "not_understood", "message": str(exc), "words": list(exc.words)}
        return JsonResponse({"error": body}, status=422)
    return JsonResponse(reading.as_dict())
