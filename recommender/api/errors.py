"""Every API error as RFC 9457 problem details (``application/problem+json``), never an internal detail.

``{"type": "urn:moodmix:problem:<code>", "title", "status", "detail", "code", "instance"}`` and, for
invalid parameters or fields, ``"errors": {"<name>": ["message", ...]}``. Unexpected exceptions are logged
with their traceback and answered with a bare 500 problem.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from recommender.error_pages import OUTAGE_MESSAGE, RETRY_AFTER_S, is_database_outage

__all__ = ["PROBLEM_CONTENT_TYPE", "ApiError", "api_not_found", "problem", "problem_exception_handler"]

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"


class ApiError(exceptions.APIException):
    """An error a service or view raises with its own status and stable code."""

    def __init__(self, detail: str, *, code: str, status_code: int = 400, extra: dict | None = None):
        super().__init__(detail=detail, code=code)
        self.status_code = status_code
        self.extra = extra or {}


def problem(status_code: int, detail: str, *, code: str, instance: str = "", **extra) -> dict:
    body = {
        "type": f"urn:moodmix:problem:{code}",
        "title": HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": detail,
        "code": code,
    }
    if instance:
        body["instance"] = instance
    body.update(extra)
    return body


def _code_of(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    if isinstance(codes, str):
        return codes
    return "invalid"


def problem_exception_handler(exc: Exception, context: dict) -> Response:
    request = context.get("request")
    instance = request.path if request is not None else ""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if is_database_outage(exc):  # the database is down: say so, as the web pages do (not "internal")
        set_rollback()
        body = problem(503, OUTAGE_MESSAGE, code="database_down", instance=instance)
        headers = {"Retry-After": str(RETRY_AFTER_S)}
        return Response(body, status=503, headers=headers, content_type=PROBLEM_CONTENT_TYPE)
    if not isinstance(exc, exceptions.APIException):
        logger.exception("unexpected error in %s", instance, exc_info=exc)
        set_rollback()
        body = problem(
            500, "An internal error occurred; it has been logged.", code="internal", instance=instance
        )
        return Response(body, status=500, content_type=PROBLEM_CONTENT_TYPE)

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))

    extra = dict(getattr(exc, "extra", {}))
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        detail = _first_message(errors)
        code = "invalid_parameters"
        extra["errors"] = errors
    else:
        detail = str(exc.detail)
        code = _code_of(exc)
    set_rollback()
    body = problem(exc.status_code, detail, code=code, instance=instance, **extra)
    return Response(body, status=exc.status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def _first_message(errors) -> str:
    """One readable sentence for ``detail``: the first field's first message, named."""
    if isinstance(errors, dict):
        for name, messages in errors.items():
            inner = _first_message(messages)
            return inner if name == "non_field_errors" else f"{name}: {inner}"
    if isinstance(errors, list) and errors:
        return _first_message(errors[0])
    return str(errors) or "Invalid request."


def api_not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """Unknown paths under /api/v1/ answer a problem, not the site's HTML 404 page."""
    body = problem(status.HTTP_404_NOT_FOUND, "No such endpoint.", code="not_found", instance=request.path)
    return JsonResponse(body, status=404, content_type=PROBLEM_CONTENT_TYPE)
