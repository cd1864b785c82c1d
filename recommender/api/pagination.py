"""Page-number pagination: ``?page=`` and ``?page_size=`` (at most MAX_PAGE_SIZE); a malformed value is a
400 with a message, a page past the end a 404."""

from __future__ import annotations

import re

from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination

from recommender.api.conf import api_setting

__all__ = ["ApiPagination"]

_DIGITS = re.compile(r"[0-9]+")  # ASCII only: str.isdigit() accepts "²", which int() refuses


class ApiPagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"

    @property
    def max_page_size(self) -> int:
        return int(api_setting("MAX_PAGE_SIZE"))

    def paginate_queryset(self, queryset, request, view=None):
        errors = {}
        for name in (self.page_query_param, self.page_size_query_param):
            raw = request.query_params.get(name)
            if raw is not None and (not _DIGITS.fullmatch(raw) or int(raw) < 1):
                errors[name] = ["A positive whole number is required."]
        size = request.query_params.get(self.page_size_query_param)
        if size and _DIGITS.fullmatch(size) and int(size) > self.max_page_size:
            errors[self.page_size_query_param] = [f"At most {self.max_page_size}."]
        if errors:
            raise exceptions.ValidationError(errors)
        return super().paginate_queryset(queryset, request, view)
