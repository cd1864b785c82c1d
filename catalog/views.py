"""Catalogue pages: list, detail, audio, upload, and the JSON status endpoint the pages poll.

Views stay thin: who may see what is ``Track.objects.visible_to``, ingest is ``catalog.services.ingest``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from catalog.choices import RejectionCode, Visibility
from catalog.forms import SharingForm, TrackFilterForm, UploadForm
from catalog.models import Track
from catalog.services.ingest import IngestError, ingest_file
from catalog.services.listing import row_tags
from catalog.services.sharing import can_change_sharing, change_sharing
from catalog.streaming import AUDIO_CONTENT_TYPES, ranged_file_response
from recommender.uploads import refused_upload

__all__ = ["track_audio", "track_detail", "track_list", "track_sharing", "track_status", "upload"]

PAGE_SIZE = 25
MAX_STATUS_IDS = 100


@require_GET
def track_list(request: HttpRequest) -> HttpResponse:
    """The catalogue: search over title, artist and album, filter by status, newest first; each row shows
    the track's strongest mood families and top genre."""
    form = TrackFilterForm(request.GET)
    tracks = Track.objects.visible_to(request.user).select_related("artist")
    if form.is_valid():
        if query := form.cleaned_data["q"].strip():
            tracks = tracks.filter(
                Q(title__icontains=query) | Q(artist__name__icontains=query) | Q(album__icontains=query)
            )
        if status := form.cleaned_data["status"]:
            tracks = tracks.filter(status=status)
    page = Paginator(tracks, PAGE_SIZE).get_page(request.GET.get("page"))
    tags = row_tags(page.object_list)
    for track in page.object_list:
        track.row_tags = tags[track.pk]
    filters = request.GET.copy()
    filters.pop("page", None)
    # While tracks on the page are queued or analysing (a demo import, an upload) the page refreshes
    # itself, so new arrivals and finished analyses show without the user reloading.
    refresh = any(not track.is_final for track in page.object_list)
    return render(
        request,
        "catalog/track_list.html",
        {"form": form, "page": page, "filter_query": filters.urlencode(), "refresh_s": 5 if refresh else 0},
    )


@require_GET
def track_detail(request: HttpRequest, pk: int) -> HttpResponse:
    track = get_object_or_404(Track.objects.visible_to(request.user).select_related("artist", "owner"), pk=pk)
    context = {"track": track, "status": status_payload(track)}
    if can_change_sharing(request.user, track):
        context["sharing_form"] = SharingForm(
            initial={"visibility": track.visibility, "submitted_for_review": track.submitted_for_review}
        )
    return render(request, "catalog/track_detail.html", context)


@login_required
@require_http_methods(["POST"])
def track_sharing(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner (or a superuser) sets who sees the track and whether editors are asked to review it;
    anyone else gets 404 (a track they cannot see) or 403 (one they see but do not own)."""
    track = get_object_or_404(Track.objects.visible_to(request.user), pk=pk)
    form = SharingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose private or public.")
        return redirect(track)
    changes = change_sharing(
        track,
        request.user,
        visibility=Visibility(form.cleaned_data["visibility"]),
        submitted_for_review=form.cleaned_data["submitted_for_review"],
    )
    messages.success(request, ("Saved: " + ", ".join(changes) + ".") if changes else "Nothing changed.")
    return redirect(track)


@require_GET
def track_audio(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored audio, for the player; private tracks only for those who may see them."""
    track = get_object_or_404(Track.objects.visible_to(request.user), pk=pk)
    content_type = AUDIO_CONTENT_TYPES.get(track.format, "application/octet-stream")
    return ranged_file_response(request, track.audio_file, content_type)


@require_GET
def track_status(request: HttpRequest) -> JsonResponse:
    """``?ids=1,2,3`` -> ``{"tracks": [...]}``: the analysis state of the tracks the user may see."""
    try:
        ids = [int(part) for part in request.GET.get("ids", "").split(",") if part.strip()]
    except ValueError:
        return JsonResponse({"error": "ids must be comma-separated track ids"}, status=400)
    if len(ids) > MAX_STATUS_IDS:
        return JsonResponse({"error": f"at most {MAX_STATUS_IDS} ids per request"}, status=400)
    tracks = Track.objects.visible_to(request.user).select_related("artist").filter(pk__in=ids)
    return JsonResponse({"tracks": [status_payload(t) for t in tracks.order_by("pk")]})


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """Upload audio files. Answers JSON to the page's per-file XHR (``Accept: application/json``), and
    redirects with messages for a plain form post."""
    wants_json = "application/json" in request.headers.get("Accept", "")
    if request.method == "POST" and (refused := refused_upload(request)):
        return _too_large(request, *refused, wants_json=wants_json)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "GET":
        return render(request, "catalog/upload.html", _upload_context(form))
    if not form.is_valid():
        if wants_json:
            message = " ".join(str(e) for errors in form.errors.values() for e in errors)
            return JsonResponse(
                {"results": [{"ok": False, "error": {"code": "invalid", "message": message}}]}, status=400
            )
        return render(request, "catalog/upload.html", _upload_context(form), status=400)

    visibility = form.cleaned_data["visibility"]
    results = [_ingest_one(f, request.user, visibility) for f in form.cleaned_data["files"]]
    if wants_json:
        accepted = sum(r["ok"] for r in results)
        status = 201 if accepted == len(results) else 400 if accepted == 0 else 200
        return JsonResponse({"results": results}, status=status)
    for result in results:
        if result["ok"]:
            messages.success(request, f"{result['filename']}: uploaded; analysis queued.")
        else:
            messages.error(request, f"{result['filename']}: {result['error']['message']}")
    return redirect("catalog:upload")


def status_payload(track: Track) -> dict:
    """The JSON shape of one track's analysis state (status endpoint, upload page, detail page)."""
    return {
        "id": track.pk,
        "title": track.title,
        "artist": track.artist.name,
        "status": track.status,
        "status_label": track.status_text,  # "Queued 3 minutes ago" rather than a silent "Pending"
        "status_colour": track.status_colour,
        "final": track.is_final,
        "error_code": track.error_code or None,
        "error_detail": track.error_detail or None,
        "duration_s": track.duration_s,
        "url": track.get_absolute_url(),
    }


def _ingest_one(uploaded, user, visibility: Visibility) -> dict:
    try:
        track = ingest_file(uploaded, owner=user, visibility=visibility)
    except IngestError as exc:
        error = {"code": exc.code.value, "message": exc.message}
        if exc.existing is not None:
            error["existing_url"] = exc.existing.get_absolute_url()
        return {"filename": uploaded.name, "ok": False, "error": error}
    return {"filename": uploaded.name, "ok": True, "track": status_payload(track)}


def _too_large(request: HttpRequest, filename: str, limit: int, *, wants_json: bool) -> HttpResponse:
    """The size-limit upload handler stopped reading this request at ``limit`` bytes."""
    message = f"{filename}: the file is larger than {limit // (1024 * 1024)} MB; nothing was stored."
    if wants_json:
        error = {"code": RejectionCode.TOO_LARGE.value, "message": message}
        return JsonResponse({"results": [{"filename": filename, "ok": False, "error": error}]}, status=413)
    messages.error(request, message)
    return redirect("catalog:upload")


def _upload_context(form: UploadForm) -> dict:
    conf = settings.MOODMIX
    return {
        "form": form,
        "max_bytes": conf["UPLOAD_MAX_BYTES"],
        "allowed_formats": conf["ALLOWED_FORMATS"],
    }
