"""Tracks: one uploaded audio file, its metadata and the state of its analysis."""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from catalog.choices import TrackErrorCode, TrackStatus, Visibility
from catalog.models.artists import Artist

__all__ = ["Track", "TrackQuerySet", "track_upload_to", "visible_q"]


def track_upload_to(track: Track, filename: str) -> str:
    """Store audio under ``tracks/<sha[:2]>/<sha>.<ext>``: content-addressed, so names never collide,
    a listing of the folder never reveals uploaders' file names, and owners who upload the same bytes
    share one stored file (``catalog.services.blobs``)."""
    extension = PurePath(filename).suffix.lower()
    sha = track.content_sha256
    return f"tracks/{sha[:2]}/{sha}{extension}"


class TrackQuerySet(models.QuerySet["Track"]):
    def visible_to(self, user) -> TrackQuerySet:
        """Tracks ``user`` may see (see :func:`visible_q`)."""
        return self.filter(visible_q(user))


def visible_q(user, *, prefix: str = "") -> Q:
    """The condition "``user`` may see this track", for tracks reached through ``prefix`` (e.g.
    ``"track__"``), so joins elsewhere (similarity search) apply the very same rule.

    Public tracks and one's own; for staff (editors) also the private tracks their owners submitted for
    review; for superusers everything. Staff do not see every private upload: a private track is the
    owner's until they ask editors to look at it (``submitted_for_review``), which they can take back.
    """
    public = Q(**{f"{prefix}visibility": Visibility.PUBLIC})
    if user is None or not user.is_authenticated:
        return public
    if user.is_superuser:
        return Q()
    seen = public | Q(**{f"{prefix}owner": user})
    if user.is_staff:
        seen |= Q(**{f"{prefix}submitted_for_review": True})
    return seen


class Track(models.Model):
    """One owner's copy of a piece of audio in the catalogue, analysed by a worker.

    Duplicates are per owner: an owner (or, for imports, "no owner") holds the same bytes at most once,
    while two listeners may each hold a private copy without learning of the other. Their rows share
    one stored file (``catalog.services.blobs``); the file goes when the last row pointing at it does.

    A track is created ``pending`` by the ingest service once its file is stored; the analysis task moves
    it to ``analyzing`` and then ``analyzed`` or ``failed``. A failure is recorded as a stable
    ``error_code`` plus a human ``error_detail`` and never deletes the file, so it can be re-analysed.
    """

    title = models.CharField(
        verbose_name="title", max_length=255, help_text="From the title tag or file name."
    )
    artist = models.ForeignKey(
        Artist,
        verbose_name="artist",
        on_delete=models.PROTECT,
        related_name="tracks",
        help_text="Credited artist (from the artist tag; 'Unknown artist' when absent).",
    )
    album = models.CharField(
        verbose_name="album", max_length=255, blank=True, help_text="From the album tag."
    )
    genre_tag = models.CharField(
        verbose_name="genre tag",
        max_length=255,
        blank=True,
        help_text="The raw genre tag of the file, as written by whoever tagged it; not a predicted genre.",
    )

    audio_file = models.FileField(
        verbose_name="audio file",
        upload_to=track_upload_to,
        max_length=255,
        help_text="The stored upload, under MEDIA_ROOT/tracks/<sha[:2]>/. Kept even when analysis fails.",
    )
    original_filename = models.CharField(
        verbose_name="original file name", max_length=255, help_text="File name as uploaded or imported."
    )
    content_sha256 = models.CharField(
        verbose_name="SHA-256",
        max_length=64,
        db_index=True,
        help_text="SHA-256 of the file's bytes (hex): one track per owner and content; owners holding the "
        "same bytes share the stored file.",
    )
    size_bytes = models.PositiveBigIntegerField(
        verbose_name="size (bytes)", help_text="Size of the stored file."
    )
    format = models.CharField(
        verbose_name="format",
        max_length=16,
        help_text="Container/codec, from the file extension (e.g. flac).",
    )
    duration_s = models.FloatField(
        verbose_name="duration (s)",
        null=True,
        blank=True,
        help_text="Length in seconds: the container's figure at upload, then the exact length of the "
        "decoded samples once analysed.",
    )
    sample_rate = models.PositiveIntegerField(
        verbose_name="sample rate (Hz)", null=True, blank=True, help_text="Native sample rate of the file."
    )
    channels = models.PositiveSmallIntegerField(
        verbose_name="channels", null=True, blank=True, help_text="Number of channels in the file."
    )

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="owner",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tracks",
        help_text="Listener who uploaded the track; empty for imports without an owner.",
    )
    visibility = models.CharField(
        verbose_name="visibility",
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.PRIVATE,
        help_text="Private tracks are seen only by their owner and superusers (and by editors once "
        "submitted for review). Only the owner or a superuser changes it.",
    )
    submitted_for_review = models.BooleanField(
        verbose_name="submitted for review",
        default=False,
        help_text="The owner asks editors to review this track's tags: editors then see it even while it "
        "is private. Only the owner or a superuser changes it.",
    )

    status = models.CharField(
        verbose_name="status",
        max_length=16,
        choices=TrackStatus.choices,
        default=TrackStatus.PENDING,
        help_text="Analysis state: pending -> analyzing -> analyzed or failed.",
    )
    error_code = models.CharField(
        verbose_name="error code",
        max_length=32,
        choices=TrackErrorCode.choices,
        blank=True,
        help_text="Stable machine-readable reason of a failed analysis; empty unless failed.",
    )
    error_detail = models.TextField(
        verbose_name="error detail", blank=True, help_text="Human explanation of a failed analysis."
    )
    analysis_attempts = models.PositiveSmallIntegerField(
        verbose_name="analysis attempts",
        default=0,
        help_text="How many times a worker started analysing this track since it was last queued; "
        "bounds redeliveries after killed workers.",
    )
    loudness_lufs = models.FloatField(
        verbose_name="loudness (LUFS)",
        null=True,
        blank=True,
        help_text="Integrated loudness, ITU-R BS.1770 (K-weighted, gated), of the decoded mono signal at "
        "22.05 kHz, computed by ml.features.",
    )
    peak_dbfs = models.FloatField(
        verbose_name="peak (dBFS)",
        null=True,
        blank=True,
        help_text="Sample peak of the decoded mono 22.05 kHz signal, in dB relative to full scale.",
    )
    waveform = models.JSONField(
        verbose_name="waveform",
        default=list,
        blank=True,
        help_text="Peak amplitudes in [0, 1] of equal slices of the track, drawn as the waveform.",
    )
    analyzed_at = models.DateTimeField(
        verbose_name="analysed at", null=True, blank=True, help_text="When the last analysis succeeded."
    )
    created = models.DateTimeField(verbose_name="created", auto_now_add=True)
    updated = models.DateTimeField(verbose_name="updated", auto_now=True)

    objects = TrackQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = "track"
        verbose_name_plural = "tracks"
        indexes = [
            models.Index(fields=["status"], name="catalog_track_status_idx"),
            models.Index(fields=["-created"], name="catalog_track_created_idx"),
        ]
        constraints = [
            # The structured error exists exactly when the track failed: no stale codes on analysed tracks.
            models.CheckConstraint(
                condition=(Q(status=TrackStatus.FAILED) & ~Q(error_code=""))
                | (~Q(status=TrackStatus.FAILED) & Q(error_code="")),
                name="catalog_track_error_code_iff_failed",
            ),
            # Duplicates are per owner. Rows without an owner (imports, and the uploads of deleted accounts,
            # which SET_NULL) are left out on purpose: two deleted listeners may have held the same bytes,
            # and deleting an account must not fail on that. Ingest refuses ownerless duplicates itself.
            models.UniqueConstraint(
                fields=["owner", "content_sha256"], name="catalog_track_one_copy_per_owner"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} - {self.artist}"

    def get_absolute_url(self) -> str:
        return reverse("catalog:track-detail", args=[self.pk])

    @property
    def status_colour(self) -> str:
        return TrackStatus(self.status).colour

    @property
    def is_final(self) -> bool:
        return TrackStatus(self.status).is_final

    @property
    def status_text(self) -> str:
        """The status as the uploader reads it: "Queued 3 minutes ago", "Analysing for 1 minute", "Failed"."""
        from catalog.services.stuck import in_flight_text  # services import the models

        return in_flight_text(self)
