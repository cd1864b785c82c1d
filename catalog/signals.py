"""Signals the catalogue sends for other apps to react to, without the catalogue knowing them.

``analysis_finished`` is sent once a track's analysis has ended and the transaction that recorded it has
committed: from ``complete`` (status ``analyzed``) and from ``fail`` (status ``failed``). Receivers get
``track_id`` and ``status`` (a ``TrackStatus`` value); the partner API uses it to finish jobs and send
webhooks. Receivers must be quick and must not raise: queue work, do not do it.
"""

from django.dispatch import Signal

__all__ = ["analysis_finished"]

analysis_finished = Signal()
