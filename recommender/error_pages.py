"""Error answers that say what went wrong: a 503 when a dependency is down (never a stack trace or a bare
500), and a 400 that explains an upload Django could not parse.

Installed as Django's ``handler500``: Django calls it inside the ``except`` block of any uncaught
exception, from a view *or* a middleware (sessions and auth touch the database before any view runs), so
``sys.exc_info()`` tells a database outage apart from a bug. A lost database answers 503 with
``Retry-After``; anything else keeps Django's plain 500. The page is rendered without the request context
on purpose: the auth context processor would query the database that is down.
"""

from __future__ import annotations

import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.views.defaults import bad_request as django_bad_request
from django.views.defaults import server_error as django_server_error

__all__ = ["OUTAGE_MESSAGE", "RETRY_AFTER_S", "bad_request", "is_database_outage", "server_error"]

log = logging.getLogger(__name__)

RETRY_AFTER_S = 30
OUTAGE_MESSAGE = "The database is unreachable; Moodmix will answer again as soon as it is back."
# OperationalError: cannot connect / connection lost; InterfaceError: a connection closed under us.
OUTAGE_ERRORS = (OperationalError, InterfaceError)


def is_database_outage(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, OUTAGE_ERRORS):
            return True
        if isinstance(exc, DatabaseError):
            return False  # a failing query (bad SQL, constraint) is a bug, not an outage
        exc = exc.__cause__ or exc.__context__
    return False


def server_error(request: HttpRequest) -> HttpResponse:
    if not is_database_outage(sys.exc_info()[1]):
        return django_server_error(request)
    log.warning("database unreachable: answering 503 for %s", request.path)
    message = OUTAGE_MESSAGE
    if request.path.startswith("/api/"):
        from recommender.api.errors import PROBLEM_CONTENT_TYPE, problem

        body = problem(503, message, code="database_down", instance=request.path)
        response: HttpResponse = JsonResponse(body, status=503, content_type=PROBLEM_CONTENT_TYPE)
    else:
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_S)
    return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """``handler400``. A multipart body Django refuses to parse (a part's headers over 1 KiB, say a file name
    of 1,000 characters) fails in the CSRF middleware before any view runs; the upload page's script
    expects JSON, so it gets the reason in the shape of an upload refusal."""
    if not isinstance(exception, MultiPartParserError):
        return django_bad_request(request, exception)
    message = (
        "The upload could not be read: its form data is malformed or its file name is too long "
        "(keep names under about 250 characters)."
    )
    if "application/json" in request.headers.get("Accept", ""):
        error = {"code": "malformed_upload", "message": message}
        return JsonResponse({"results": [{"filename": "", "ok": False, "error": error}]}, status=400)
    return HttpResponse(render_to_string("400.html", {"message": message}), status=400)
