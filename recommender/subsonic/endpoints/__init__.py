"""Subsonic method handlers, one module per area; importing the package fills the registry."""

from recommender.subsonic.endpoints import (  # noqa: F401
    annotation,
    browsing,
    lists,
    media,
    playlists,
    sonic,
    system,
)
from recommender.subsonic.endpoints.registry import ENDPOINTS, Call

__all__ = ["ENDPOINTS", "Call"]
