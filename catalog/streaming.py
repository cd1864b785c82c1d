"""Serve a stored audio file with HTTP range support, so the browser's player can seek.

Django's ``FileResponse`` always sends the whole file; a player that seeks (or a click on the waveform)
needs ``206 Partial Content``. One byte range per request is all browsers ask of audio.
"""

from __future__ import annotations

import re

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse

__all__ = ["AUDIO_CONTENT_TYPES", "ranged_file_response"]

AUDIO_CONTENT_TYPES = {
    "mp3": "audio/mpeg",
    "ogg": "audio/ogg",
    "oga": "audio/ogg",
    "opus": "audio/ogg",  # Opus in its Ogg container (RFC 7845); browsers play it from this type
    "flac": "audio/flac",
    "wav": "audio/wav",
    "m4a": "audio/mp4",
}

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_CHUNK = 64 * 1024


def ranged_file_response(request: HttpRequest, field_file: FieldFile, content_type: str) -> HttpResponse:
    """The file, whole (200) or the one byte range the request's ``Range`` header asks for (206/416)."""
    size = field_file.size
    header = request.headers.get("Range", "")
    match = _RANGE.match(header.strip())
    if not match or match.groups() == ("", ""):
        response = FileResponse(field_file.open("rb"), content_type=content_type)
        response["Accept-Ranges"] = "bytes"
        return response
    first, last = _bounds(match.group(1), match.group(2), size)
    if first is None:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    handle = field_file.open("rb")
    handle.seek(first)
    response = StreamingHttpResponse(_read(handle, last - first + 1), status=206, content_type=content_type)
    response["Content-Length"] = str(last - first + 1)
    response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Accept-Ranges"] = "bytes"
    return response


def _bounds(start: str, end: str, size: int) -> tuple[int | None, int]:
    if not start:  # "bytes=-N": the last N bytes
        first, last = max(size - int(end), 0), size - 1
    else:
        first, last = int(start), min(int(end), size - 1) if end else size - 1
    if first >= size or first > last:
        return None, 0
    return first, last


def _read(handle, remaining: int):
    try:
        while remaining > 0:
            chunk = handle.read(min(_CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        handle.close()
