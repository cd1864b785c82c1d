"""Subsonic method handlers, one module per area; importing the package fills the registry."""

from recommender.subsonic.endpoints import annotation, browsing, media, playlists, sonic, system  # noqa: F401
from recommender.subsonic.endpoints.registry import ENDPOINTS, Call

__all__ = ["ENDPOINTS", "Call"]
