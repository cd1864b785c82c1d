"""Stored audio files ("blobs"), shared by the tracks that hold the same bytes.

Duplicates are per owner (``catalog.models.tracks``), so several Track rows may hold the same content:
two listeners' private copies, say. Files are content-addressed (``track_upload_to``), so those rows
point at one stored file instead of keeping a copy each:

- :func:`attach_blob` points a new track at the stored file of its content, writing it only when no
  track has stored it yet;
- :func:`release_blob` removes a file once no track points at it any more. It runs after a track is
  deleted (the ``post_delete`` receiver, after commit) and when an ingest that wrote a file fails, so
  deleting one owner's track never takes the file from under another's.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from catalog.models import ReviewQueueEntry, Track
from catalog.models.tracks import track_upload_to

__all__ = ["attach_blob", "release_blob"]

logger = logging.getLogger(__name__)


def attach_blob(track: Track, source: Path, filename: str) -> bool:
    """Point ``track.audio_file`` (not saved) at the stored file of ``source``'s bytes, whose hash is
    ``track.content_sha256``. Returns True when the file was written now, False when an existing copy is
    shared (same content-addressed name and size)."""
    field = track.audio_file
    name = track_upload_to(track, filename)
    storage = field.storage
    if storage.exists(name) and storage.size(name) == source.stat().st_size:
        field.name = name
        return False
    with source.open("rb") as handle:
        field.save(filename, File(handle), save=False)
    return True


def release_blob(name: str) -> bool:
    """Delete the stored file ``name`` unless a track still points at it; True if it was deleted."""
    if not name or Track.objects.filter(audio_file=name).exists():
        return False
    storage = Track._meta.get_field("audio_file").storage
    if not storage.exists(name):
        return False
    storage.delete(name)
    logger.info("deleted stored file %s: no track uses it any more", name)
    return True


# Track and its proxy (a delete from the review queue page is sent as the proxy). Bound to these senders
# only: a post_delete receiver for every model would cost other apps Django's fast bulk deletes.
@receiver(post_delete, sender=Track, dispatch_uid="catalog.release_track_blob")
@receiver(post_delete, sender=ReviewQueueEntry, dispatch_uid="catalog.release_queue_entry_blob")
def _release_after_delete(sender, instance: Track, **kwargs) -> None:
    # After commit: a rolled-back delete must find its file, and the reference check must see the
    # committed rows of concurrent ingests that share it.
    name = instance.audio_file.name
    transaction.on_commit(lambda: release_blob(name))
