"""Choice sets of the catalogue, each value with a human label and, where the UI shows it, a colour.

Colours are names of the badge classes in ``static/css/moodmix.css`` (NetBox keeps colours next to its
choices the same way), so a template never decides which status is "bad".
"""

from django.db import models

__all__ = ["RejectionCode", "TrackErrorCode", "TrackStatus", "Visibility"]


class TrackStatus(models.TextChoices):
    """Where a track is in its analysis life: pending -> analyzing -> analyzed | failed.

    ``failed`` keeps the stored file; re-analysis puts a track back to ``pending``.
    """

    PENDING = "pending", "Pending"
    ANALYZING = "analyzing", "Analyzing"
    ANALYZED = "analyzed", "Analyzed"
    FAILED = "failed", "Failed"

    @property
    def colour(self) -> str:
        return _STATUS_COLOURS[self]

    @property
    def is_final(self) -> bool:
        """True when no further work is scheduled for the track (the upload page stops polling)."""
        return self in (TrackStatus.ANALYZED, TrackStatus.FAILED)


_STATUS_COLOURS = {
    TrackStatus.PENDING: "grey",
    TrackStatus.ANALYZING: "blue",
    TrackStatus.ANALYZED: "green",
    TrackStatus.FAILED: "red",
}


class Visibility(models.TextChoices):
    """Who may see and play a track: only its owner (and superusers; editors once the owner submits it for
    review), or everyone (``Track.objects.visible_to``)."""

    PRIVATE = "private", "Private"
    PUBLIC = "public", "Public"


class TrackErrorCode(models.TextChoices):
    """Why the analysis of a track failed. The first four are ``ml.audio.AudioError`` codes, kept as is."""

    UNDECODABLE = "undecodable", "The audio could not be decoded"
    EMPTY = "empty", "The file holds no audio samples"
    SILENT = "silent", "The audio is silent"
    TOO_SHORT = "too_short", "The audio is too short to analyse"
    MISSING_FILE = "missing_file", "The stored audio file is missing"
    TIMEOUT = "timeout", "The analysis took too long"
    ATTEMPTS_EXHAUSTED = "attempts_exhausted", "The analysis was interrupted too many times"
    INTERNAL = "internal", "Internal error during analysis"


class RejectionCode(models.TextChoices):
    """Why an upload was refused before anything was stored (see ``catalog.services.ingest``)."""

    TOO_LARGE = "too_large", "File too large"
    EMPTY = "empty", "Empty file"
    UNSUPPORTED_FORMAT = "unsupported_format", "Unsupported format"
    NOT_AUDIO = "not_audio", "Not audio"
    TOO_SHORT = "too_short", "Too short"
    TOO_LONG = "too_long", "Too long"
    DUPLICATE = "duplicate", "Already in the catalogue"
