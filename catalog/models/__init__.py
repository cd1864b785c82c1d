"""Catalogue models, one module per domain (artists, tracks, taxonomy, tags, analysis, review)."""

from catalog.models.analysis import AudioFeatures, TrackAnalysis, TrackEmbedding
from catalog.models.artists import Artist
from catalog.models.predictions import TagSource, TrackGenre, TrackMood, Verdict
from catalog.models.review import ReviewQueueEntry, ReviewState, TrackReview
from catalog.models.taxonomy import Genre, Mood, MoodLevel
from catalog.models.tracks import Track, track_upload_to

__all__ = [
    "Artist",
    "AudioFeatures",
    "Genre",
    "Mood",
    "MoodLevel",
    "ReviewQueueEntry",
    "ReviewState",
    "TagSource",
    "Track",
    "TrackAnalysis",
    "TrackEmbedding",
    "TrackGenre",
    "TrackMood",
    "TrackReview",
    "Verdict",
    "track_upload_to",
]
