"""The listener's pages. Every object is looked up through the requesting user (their playlists, their
profile, tracks they may see): nothing here can show another listener's private data."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalog.models import Track
from recommender.models import ListenerProfile, Playlist
from recommender.services.layout import layout
from recommender.services.playlists import PlaylistError, generate, save_playlist
from recommender.services.playlists.naming import default_name
from recommender.services.playlists.snapshot import get_snapshot
from recommender.services.profiles.portrait import portrait
from recommender.services.profiles.privacy import delete_profile, export_profile
from recommender.services.profiles.signals import SignalError, record_event
from recommender.services.profiles.summary import summarise
from recommender.services.words_mix import NotUnderstood, OnlyAvoid, mix_from_words
from recommender.web.charts import family_bars
from recommender.web.forms import MixForm, RenameForm, SignalForm, SignupForm

SEED_RESULTS = 10


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user)
        messages.success(request, f"Welcome, {user.get_username()}! Pick a mood to start.")
        return redirect("recommender:mix")
    return render(request, "registration/signup.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def mix(request: HttpRequest) -> HttpResponse:
    """The generator: GET shows chips and sliders, POST generates and opens the playlist's player.
    A POST with ``read_words`` only reads the sentence and shows the form again with the sliders set
    (the page's script does the same through :func:`mix_words` without a reload)."""
    form = MixForm(request.POST or None)
    if request.method == "POST" and "read_words" in request.POST:
        return _read_words_page(request, form)
    if request.method == "POST" and form.is_valid():
        try:
            playlist_request = form.to_request()
            generated = generate(playlist_request, request.user)
        except (PlaylistError, ValueError) as error:
            form.add_error(None, str(error))
        else:
            if not generated.items:
                form.add_error(None, "No track fits these choices yet: loosen the constraints or the moods.")
            else:
                name = default_name(playlist_request, request.user)
                playlist = save_playlist(generated, request.user, name)
                return redirect(playlist)
    return render(request, "recommender/mix.html", {"form": form, "colours": layout().family_colours})


def _read_words_page(request: HttpRequest, form: MixForm) -> HttpResponse:
    context = {"colours": layout().family_colours, "words_mix": None}
    try:
        mix_ = mix_from_words(request.POST.get("words", ""))
    except NotUnderstood as error:
        form = MixForm(request.POST)
        form.is_valid()
        form.add_error("words", str(error))
    else:
        form = form.with_words(mix_)
        context["words_mix"] = mix_
    return render(request, "recommender/mix.html", {**context, "form": form})


@login_required
@require_POST
def mix_words(request: HttpRequest) -> JsonResponse:
    """``text`` -> the moods it was read as and the slider values they give (422 when not understood)."""
    text = request.POST.get("text", "").strip()
    if not text:
        return JsonResponse(
            {"error": {"code": "missing", "message": "Say what you want to hear."}}, status=400
        )
    try:
        mix_ = mix_from_words(text)
    except NotUnderstood as error:
        code = "only_avoid" if isinstance(error, OnlyAvoid) else "not_understood"
        body = {"code": code, "message": str(error), "words": list(error.words)}
        return JsonResponse({"error": body}, status=422)
    return JsonResponse(mix_.as_dict())


@login_required
@require_GET
def seed_search(request: HttpRequest) -> JsonResponse:
    """``?q=`` -> analysed tracks the listener may use as seeds (public or their own)."""
    query = request.GET.get("q", "").strip()
    tracks = Track.objects.none()
    if query:
        tracks = (
            Track.objects.filter(Q(visibility="public") | Q(owner=request.user), scores__isnull=False)
            .filter(Q(title__icontains=query) | Q(artist__name__icontains=query))
            .select_related("artist")
            .order_by("title")[:SEED_RESULTS]
        )
    return JsonResponse({"tracks": [{"id": t.pk, "title": t.title, "artist": t.artist.name} for t in tracks]})


@login_required
@require_GET
def playlist_list(request: HttpRequest) -> HttpResponse:
    playlists = Playlist.objects.filter(owner=request.user)
    return render(
        request,
        "recommender/playlist_list.html",
        {"saved": playlists.filter(saved=True), "recent": playlists.filter(saved=False)[:10]},
    )


@login_required
@require_GET
def playlist_detail(request: HttpRequest, pk: int) -> HttpResponse:
    playlist = get_object_or_404(Playlist, pk=pk, owner=request.user)
    # Items whose track became private to someone else (or vanished) are not shown or played.
    visible = Track.objects.filter(Q(visibility="public") | Q(owner=request.user)).values("pk")
    items = list(playlist.items.filter(track__in=visible).select_related("track__artist"))
    snapshot = get_snapshot(playlist.model_version)
    lay = layout()
    for item in items:
        row = snapshot.row_of.get(item.track_id)
        family = lay.families[int(snapshot.families[row].argmax())] if row is not None else ""
        item.family, item.colour = family, lay.family_colours.get(family, "#999999")
    return render(
        request,
        "recommender/playlist_detail.html",
        {"playlist": playlist, "items": items, "rename": RenameForm(initial={"name": playlist.name})},
    )


@login_required
@require_POST
def playlist_rename(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename and keep (save) a playlist."""
    playlist = get_object_or_404(Playlist, pk=pk, owner=request.user)
    form = RenameForm(request.POST)
    if form.is_valid():
        playlist.name, playlist.saved = form.cleaned_data["name"], True
        playlist.save(update_fields=["name", "saved", "updated"])
        messages.success(request, f"Saved as “{playlist.name}”.")
    return redirect(playlist)


@login_required
@require_POST
def playlist_delete(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(Playlist, pk=pk, owner=request.user).delete()
    return redirect("recommender:playlists")


@login_required
@require_POST
def signal(request: HttpRequest) -> JsonResponse:
    """A play, like, dislike or skip from the player; answers with what the profile now rests on."""
    form = SignalForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": form.errors.get_json_data()}, status=400)
    data = form.cleaned_data
    try:
        record_event(
            request.user, data["track"], data["kind"], fraction=data["fraction"], playlist_id=data["playlist"]
        )
    except SignalError as error:
        return JsonResponse({"error": str(error)}, status=400)
    profile = ListenerProfile.objects.get(user=request.user)
    return JsonResponse({"ok": True, "signals": profile.signal_count})


def _profile_context(user) -> dict:
    profile = ListenerProfile.objects.filter(user=user).first()
    summary = summarise(profile, get_snapshot((profile.model_version if profile else "") or None))
    bars, height = family_bars(summary.families)
    return {"summary": summary, "portrait": portrait(summary), "bars": bars, "chart_height": height}


@login_required
@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "recommender/profile.html", _profile_context(request.user))


@login_required
@require_GET
def profile_export(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        json.dumps(export_profile(request.user), indent=2, ensure_ascii=False),
        content_type="application/json",
    )
    response["Content-Disposition"] = 'attachment; filename="moodmix-profile.json"'
    return response


@login_required
@require_POST
def profile_delete(request: HttpRequest) -> HttpResponse:
    deleted = delete_profile(request.user)
    messages.success(request, f"Your profile and {deleted} listening signals were deleted.")
    return redirect("recommender:profile")
