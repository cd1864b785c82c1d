"""An upload handler that stops reading a request as soon as one file passes the upload size limit.

Django's own handlers spool the whole body (to memory, then a temporary file) before a view can look at
its size, so a 20 GB "song" was read and written whole before ingest refused it. This handler sits first
in ``FILE_UPLOAD_HANDLERS``: it counts each file's bytes as they stream past and, at the limit, stops the
upload (``StopUpload(connection_reset=True)``: the rest of the body is never read). The view finds the
refusal in ``request.upload_refused`` and answers ``too_large``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

__all__ = ["SizeLimitUploadHandler", "refused_upload"]


class SizeLimitUploadHandler(FileUploadHandler):
    """Counts; never stores. The next handlers (memory, temporary file) do the storing."""

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        limit = int(settings.MOODMIX["UPLOAD_MAX_BYTES"])
        if self.received > limit:
            self.request.upload_refused = self.file_name, limit
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the storing handler after this one returns the file


def refused_upload(request) -> tuple[str, int] | None:
    """``(file name, limit in bytes)`` when the size-limit handler stopped this request's upload."""
    request.FILES  # noqa: B018 - the body is parsed lazily, and the handler runs during that parse
    return getattr(request, "upload_refused", None)
