"""The OpenAPI description of what every /api/v1/ operation shares: problem+json errors and rate-limit
headers, added here once instead of on each view (``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``)."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from recommender.api.authentication import SessionScopesAuthentication
from recommender.api.errors import PROBLEM_CONTENT_TYPE

__all__ = ["ApiAutoSchema", "ProblemSerializer"]

_RATE_HEADERS = {
    "X-RateLimit-Limit": "Requests allowed in the current window for this key.",
    "X-RateLimit-Remaining": "Requests left in the current window.",
    "X-RateLimit-Reset": "Seconds until the window ends.",
}


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField(help_text="urn:moodmix:problem:<code>")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField(help_text="Stable machine-readable reason.")
    instance = serializers.CharField(required=False)
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Invalid parameters or fields: name -> messages.",
    )


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if not hasattr(self.view, "required_scopes"):
            return responses
        header_schema = {
            name: {"schema": {"type": "integer"}, "description": text} for name, text in _RATE_HEADERS.items()
        }
        for code, response in responses.items():
            if str(code).startswith("2"):
                response.setdefault("headers", {}).update(header_schema)
        problem = {
            PROBLEM_CONTENT_TYPE: {"schema": self.resolve_serializer(ProblemSerializer(), "response").ref}
        }
        errors = {
            "401": "Missing, unknown or revoked API key.",
            "403": "The key lacks the scope this operation needs.",
            "429": "Rate limit reached; retry after Retry-After seconds.",
        }
        errors["400"] = "Invalid parameters or body; 'errors' names each one."
        if "{" in self.path:
            errors["404"] = "Unknown, or not visible to this client."
        for code, text in errors.items():
            responses.setdefault(code, {"content": problem, "description": text})
        return responses


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = SessionScopesAuthentication
    name = "listenerSession"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "A listener's web session.",
        }
