"""Every URL pattern of the project as one concrete URL, so a test can visit each page."""

from __future__ import annotations

import re
import uuid

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

# A sample value per path converter: an id that exists in no table answers 404, which still has headers.
_CONVERTER_SAMPLES = {"int": "1", "uuid": str(uuid.UUID(int=1)), "path": "1", "str": "1", "slug": "x"}


def _route_sample(route: str) -> str:
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: _CONVERTER_SAMPLES[m.group(1) or "str"], route)


def _regex_sample(regex: str) -> str:
    """A string the (simple) regex of a re_path matches: the first alternative of each named group."""

    def group(match: re.Match) -> str:
        body = match.group(1)
        first = body.split("|")[0]
        return first if re.fullmatch(r"[\w\-]+", first) else "1"

    text = re.sub(r"\(\?P<\w+>([^()]*)\)", group, regex)
    text = re.sub(r"\(\?:[^()]*\)\?", "", text)  # optional groups: left out
    text = re.sub(r"\\?.\?", "", text)  # an optional character: left out
    text = text.replace("^", "").replace("$", "").replace("\\Z", "").replace(".*", "")
    return text.replace("\\", "")


def _sample(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        return _route_sample(str(pattern._route))
    if isinstance(pattern, RegexPattern):
        return _regex_sample(pattern._regex)
    raise TypeError(pattern)


def every_url() -> list[tuple[str, str]]:
    """(name or route, URL) for every pattern, depth first; one per pattern, duplicates removed."""
    seen: dict[str, str] = {}

    def walk(patterns, prefix: str, namespace: str) -> None:
        for entry in patterns:
            part = _sample(entry.pattern)
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, prefix + part, ns)
            elif isinstance(entry, URLPattern):
                url = "/" + prefix + part
                seen.setdefault(url, f"{namespace}{entry.name or entry.pattern}")

    walk(get_resolver().url_patterns, "", "")
    return sorted((name, url) for url, name in seen.items())
