"""Mood playlists: a registry of strategies (``mood``, ``seed``, ``journey``) over a numpy snapshot of
the catalogue, style and profile boosts, hard constraints and an MMR diversity control.

    from recommender.services.playlists import PlaylistRequest, generate
    generate(PlaylistRequest(strategy="mood", moods={"calm": 1.0}, length=30), user)
"""

from recommender.services.playlists import strategies as _strategies  # noqa: F401  (registers them)
from recommender.services.playlists.errors import PlaylistError
from recommender.services.playlists.registry import strategies
from recommender.services.playlists.request import PlaylistRequest
from recommender.services.playlists.service import GeneratedPlaylist, Item, generate, save_playlist

__all__ = [
    "GeneratedPlaylist",
    "Item",
    "PlaylistError",
    "PlaylistRequest",
    "generate",
    "save_playlist",
    "strategies",
]
