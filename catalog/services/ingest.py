"""Validate and store an uploaded or imported audio file as a new ``pending`` Track.

The checks run cheapest first, and nothing is stored until all of them pass:

1. size: empty files and files over ``MOODMIX["UPLOAD_MAX_BYTES"]`` are refused;
2. format: the extension must be one of ``MOODMIX["ALLOWED_FORMATS"]``;
3. duplicate: the owner must not hold these bytes already, and they must not be a public track;
   another listener's private copy does not count, and the refusal never hints at one (duplicates
   are per owner; owners holding the same bytes share one stored file, ``catalog.services.blobs``);
4. audio: ``ml.audio.probe`` must read the container and its duration must be within
   ``MIN_DURATION_S``..``MAX_DURATION_S``, and the first seconds must really decode with
   ``ml.audio.load_audio`` (a renamed text file has a good extension but no audio).

Each refusal is an :class:`IngestError` with a stable ``code`` (:class:`~catalog.choices.RejectionCode`)
and a message for the person who uploaded the file. An accepted file is stored content-addressed, the
Track row is created in the same transaction, and ``catalog.analyze_track`` is queued once it commits.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePath

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat

from catalog.choices import RejectionCode, Visibility
from catalog.models import Artist, Track
from catalog.services.analysis import enqueue_analysis
from catalog.services.blobs import attach_blob, release_blob
from catalog.services.tags import TrackTags, read_tags
from ml.audio import ERROR_CODES, AudioError, load_audio, probe

__all__ = ["IngestError", "IngestLimits", "duplicate_of", "ingest_file"]

logger = logging.getLogger(__name__)

# Seconds decoded to prove the bytes are audio: enough to pass a broken header, cheap for a long file.
PROBE_DECODE_SECONDS = 5.0

# How the ml.audio error codes of the probe read as upload refusals. "silent" is absent on purpose:
# a quiet intro decodes fine, so it proves the file is audio.
_AUDIO_ERROR_REJECTIONS = {
    "undecodable": RejectionCode.NOT_AUDIO,
    "empty": RejectionCode.EMPTY,
    "too_short": RejectionCode.TOO_SHORT,
}


class IngestError(Exception):
    """An upload refused before anything was stored. ``str()`` is the message for the uploader."""

    def __init__(self, code: RejectionCode, message: str, *, existing: Track | None = None) -> None:
        super().__init__(message)
        self.code = RejectionCode(code)
        self.message = message
        self.existing = existing


@dataclass(frozen=True)
class IngestLimits:
    """The acceptance rules, read from ``settings.MOODMIX`` so deployments tune them by environment."""

    max_bytes: int
    formats: tuple[str, ...]
    min_duration_s: float
    max_duration_s: float

    @classmethod
    def from_settings(cls) -> IngestLimits:
        conf = settings.MOODMIX
        return cls(
            max_bytes=int(conf["UPLOAD_MAX_BYTES"]),
            formats=tuple(f.lower() for f in conf["ALLOWED_FORMATS"]),
            min_duration_s=float(conf["MIN_DURATION_S"]),
            max_duration_s=float(conf["MAX_DURATION_S"]),
        )


@dataclass(frozen=True)
class _StagedFile:
    path: Path
    sha256: str
    size: int


@dataclass(frozen=True)
class _AudioFacts:
    duration_s: float
    sample_rate: int
    channels: int


def ingest_file(
    upload: File,
    *,
    owner=None,
    visibility: Visibility = Visibility.PRIVATE,
    filename: str | None = None,
    limits: IngestLimits | None = None,
) -> Track:
    """Validate ``upload`` and store it as a new pending Track owned by ``owner`` (a user or None).

    ``filename`` defaults to the upload's own name; it decides the format and is the fallback for the
    title and artist when the file carries no tags. Raises :class:`IngestError` on any refusal. The
    analysis task is queued when the surrounding transaction commits.
    """
    limits = limits or IngestLimits.from_settings()
    filename = PurePath(filename or upload.name or "upload").name
    _check_size(upload.size, limits)
    extension = _check_format(filename, limits)
    with _staged_copy(upload, extension, limits) as staged:
        _refuse_duplicate(staged.sha256, owner)
        facts = _check_audio(staged.path, limits)
        tags = read_tags(staged.path, filename)
        return _store(staged, filename, extension, facts, tags, owner, visibility)


def _check_size(size: int | None, limits: IngestLimits) -> None:
    if not size:
        raise IngestError(RejectionCode.EMPTY, "The file is empty.")
    if size > limits.max_bytes:
        raise IngestError(
            RejectionCode.TOO_LARGE,
            f"The file is {_size(size)}; the largest accepted upload is {_size(limits.max_bytes)}.",
        )


def _check_format(filename: str, limits: IngestLimits) -> str:
    extension = PurePath(filename).suffix.lower().lstrip(".")
    if extension not in limits.formats:
        shown = f".{extension}" if extension else "files without an extension"
        raise IngestError(
            RejectionCode.UNSUPPORTED_FORMAT,
            f"{shown} is not supported; upload one of: {', '.join(limits.formats)}.",
        )
    return extension


@contextmanager
def _staged_copy(upload: File, extension: str, limits: IngestLimits) -> Iterator[_StagedFile]:
    """Copy the upload to a temporary file (decoders and mutagen need a path), hashing as we go."""
    digest = hashlib.sha256()
    size = 0
    with tempfile.TemporaryDirectory(prefix="moodmix-ingest-") as folder:
        path = Path(folder) / f"upload.{extension}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                size += len(chunk)
                if size > limits.max_bytes:  # the declared size can lie; the bytes cannot
                    _check_size(size, limits)
                digest.update(chunk)
                out.write(chunk)
        _check_size(size, limits)
        yield _StagedFile(path=path, sha256=digest.hexdigest(), size=size)


def duplicate_of(sha256: str, owner) -> Track | None:
    """The track an upload of these bytes by ``owner`` (a user, or None for an ownerless import) would
    duplicate: the owner's own copy, else a public copy. Another owner's private copy never counts: the
    uploader may not see it, so refusing because of it would reveal that it exists."""
    same = Track.objects.select_related("artist").filter(content_sha256=sha256).order_by("pk")
    own = same.filter(owner=owner) if owner is not None else same.filter(owner__isnull=True)
    return own.first() or same.filter(visibility=Visibility.PUBLIC).first()


def _refuse_duplicate(sha256: str, owner) -> None:
    existing = duplicate_of(sha256, owner)
    if existing is not None:
        raise _duplicate_error(existing)


def _duplicate_error(existing: Track) -> IngestError:
    # Only the owner's own copy or a public one is ever a duplicate (duplicate_of), so naming it is safe.
    message = f'This file is already in the catalogue as "{existing.title}" by {existing.artist} '
    message += f"(track #{existing.pk})."
    return IngestError(RejectionCode.DUPLICATE, message, existing=existing)


def _check_audio(path: Path, limits: IngestLimits) -> _AudioFacts:
    try:
        info = probe(path)
    except AudioError as exc:
        raise _not_playable(exc, RejectionCode.NOT_AUDIO) from exc
    if info.duration < limits.min_duration_s:
        raise IngestError(
            RejectionCode.TOO_SHORT,
            f"The audio lasts {info.duration:.2f} s; tracks must last at least {limits.min_duration_s:g} s.",
        )
    if info.duration > limits.max_duration_s:
        raise IngestError(
            RejectionCode.TOO_LONG,
            f"The audio lasts {_minutes(info.duration)}; the longest accepted track is "
            f"{_minutes(limits.max_duration_s)}.",
        )
    try:
        load_audio(path, duration=PROBE_DECODE_SECONDS)
    except AudioError as exc:
        if exc.code not in _AUDIO_ERROR_REJECTIONS:  # "silent": a quiet intro still proves it is audio
            logger.info("probe decode of %s: %s (accepted: it decodes)", path.name, exc)
        else:
            raise _not_playable(exc, _AUDIO_ERROR_REJECTIONS[exc.code]) from exc
    return _AudioFacts(duration_s=float(info.duration), sample_rate=info.sample_rate, channels=info.channels)


def _not_playable(exc: AudioError, fallback: RejectionCode) -> IngestError:
    # The uploader gets ml.audio's stable reason; its detail names our staging path, so it goes to the log.
    logger.info("refused upload: %s", exc)
    code = _AUDIO_ERROR_REJECTIONS.get(exc.code, fallback)
    return IngestError(code, f"This file does not contain playable audio: {ERROR_CODES[exc.code]}.")


def _store(
    staged: _StagedFile,
    filename: str,
    extension: str,
    facts: _AudioFacts,
    tags: TrackTags,
    owner,
    visibility: Visibility,
) -> Track:
    track = Track(
        title=tags.title,
        album=tags.album,
        genre_tag=tags.genre,
        original_filename=filename[:255],
        content_sha256=staged.sha256,
        size_bytes=staged.size,
        format=extension,
        duration_s=facts.duration_s,
        sample_rate=facts.sample_rate,
        channels=facts.channels,
        owner=owner,
        visibility=visibility,
    )
    # The file is stored first (or an identical stored file shared): a row never points at a missing file.
    # If the row cannot be written, a file written now is removed again unless another track uses it, so
    # only accepted uploads leave anything behind.
    written = attach_blob(track, staged.path, filename)
    try:
        with transaction.atomic():
            track.artist = Artist.objects.for_name(tags.artist)
            track.save()
            transaction.on_commit(lambda: enqueue_analysis(track.pk))
    except IntegrityError as exc:
        _forget_blob(track, written)
        existing = duplicate_of(staged.sha256, owner)
        if existing is None:
            raise
        raise _duplicate_error(existing) from exc  # a concurrent upload of the same bytes won
    except BaseException:
        _forget_blob(track, written)
        raise
    logger.info("ingested track %s (%s, %s bytes)", track.pk, filename, staged.size)
    return track


def _forget_blob(track: Track, written: bool) -> None:
    if written:
        release_blob(track.audio_file.name)


def _size(size: int) -> str:
    return filesizeformat(size).replace("\xa0", " ")


def _minutes(seconds: float) -> str:
    return f"{int(seconds // 60)} min {int(seconds % 60):02d} s"
