"""The base of every /api/v1/ view: authentication, scopes, throttling, problem errors, rate-limit headers.

Set per view rather than in ``REST_FRAMEWORK`` so the API's rules never leak onto other DRF views.
"""

from __future__ import annotations

from rest_framework import generics
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer

from recommender.api.authentication import BearerKeyAuthentication, SessionScopesAuthentication
from recommender.api.errors import problem_exception_handler
from recommender.api.pagination import ApiPagination
from recommender.api.permissions import HasScope
from recommender.api.throttling import KeyRateThrottle, rate_limit_headers

__all__ = ["ApiView"]


class ApiView(generics.GenericAPIView):
    """Subclasses set ``required_scopes = {"GET": Scope...}`` and stay declarative."""

    authentication_classes = [BearerKeyAuthentication, SessionScopesAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [KeyRateThrottle]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    pagination_class = ApiPagination
    required_scopes: dict[str, str] = {}

    def get_exception_handler(self):
        return problem_exception_handler

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        state = getattr(request, "rate_limit", None)
        if state is not None:
            for name, value in rate_limit_headers(state).items():
                response[name] = value
        return response
