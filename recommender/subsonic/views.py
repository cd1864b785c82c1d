"""The /rest/ dispatcher and the listener's Subsonic settings page.

One view answers every method: it authenticates, looks the method up in the registry and renders the
envelope in the requested format. Parameters may come in the query string or a form body (OpenSubsonic
``formPost``), which is why the API is exempt from CSRF: it never uses the session cookie.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from recommender.subsonic.auth import authenticate
from recommender.subsonic.credentials import reset_api_key, reset_password, subsonic_credential
from recommender.subsonic.endpoints import ENDPOINTS, Call
from recommender.subsonic.errors import ErrorCode, SubsonicError
from recommender.subsonic.rendering import error_response, ok_response

__all__ = ["api", "settings_page"]


@csrf_exempt
@require_http_methods(["GET", "POST"])
def api(request: HttpRequest, method: str) -> HttpResponseBase:
    params = _params(request)
    fmt = "json" if params.get("f", "xml").lower() in ("json", "jsonp") else "xml"
    try:
        found = ENDPOINTS.get(method)
        if found is None:
            response = error_response(SubsonicError(ErrorCode.NOT_FOUND, f"Unknown method: {method}"), fmt)
            response.status_code = 404
            return response
        user = authenticate(params) if found.needs_auth else None
        result = found.handler(Call(request=request, params=params, user=user))
    except SubsonicError as error:
        return error_response(error, fmt)
    return result if isinstance(result, HttpResponseBase) else ok_response(result, fmt)


def _params(request: HttpRequest) -> QueryDict:
    merged = request.GET.copy()
    if request.method == "POST":
        for key, values in request.POST.lists():
            merged.setlist(key, merged.getlist(key) + values)
    return merged


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    """Set or reset the Subsonic password, create an API key (shown once), or turn Subsonic access off."""
    credential = subsonic_credential(request.user)
    shown_key = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "password":
            reset_password(credential)
            messages.success(request, "New Subsonic password set; update your clients.")
        elif action == "api-key":
            shown_key = reset_api_key(credential)
        elif action == "disable":
            credential.password, credential.api_key_sha256 = "", ""
            credential.save()
            messages.success(request, "Subsonic access turned off.")
        if shown_key is None:
            return redirect("subsonic:settings")
    server = request.build_absolute_uri("/")
    return render(
        request,
        "subsonic/settings.html",
        {"credential": credential, "api_key": shown_key, "server_url": server.rstrip("/")},
    )
