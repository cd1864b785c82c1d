"""What a visitor sees when a dependency is down: a 503 that says so, never a stack trace or a bare 500.

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
from django.template.loader import render_to_string
from django.views.defaults import server_error as django_server_error

__all__ = ["OUTAGE_MESSAGE", "RETRY_AFTER_S", "is_database_outage", "server_error"]

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
