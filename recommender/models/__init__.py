"""Listener-side models, one module per domain: signals, playlists, profiles and the compact score table."""

from recommender.models.events import EventKind, ListeningEvent
from recommender.models.playlists import Playlist, PlaylistItem
from recommender.models.profiles import ListenerProfile
from recommender.models.scores import ScoreGeneration, TrackScores

__all__ = [
    "EventKind",
    "ListenerProfile",
    "ListeningEvent",
    "Playlist",
    "PlaylistItem",
    "ScoreGeneration",
    "TrackScores",
]
