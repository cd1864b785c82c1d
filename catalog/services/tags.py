"""Read artist/title/album/genre tags from an audio file with mutagen, falling back to the file name."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path, PurePath

import mutagen
from mutagen.id3 import ID3

__all__ = ["TrackTags", "read_tags"]

logger = logging.getLogger(__name__)

# Vorbis comments (FLAC, Ogg) and mutagen's "easy" MP3 keys use these names; ID3 in WAV/AIFF uses frames.
_EASY_KEYS = {"title": "title", "artist": "artist", "album": "album", "genre": "genre"}
_ID3_FRAMES = {"title": "TIT2", "artist": "TPE1", "album": "TALB", "genre": "TCON"}


@dataclass(frozen=True)
class TrackTags:
    """The descriptive metadata a track is created with. Empty strings mean "not known"."""

    title: str
    artist: str = ""
    album: str = ""
    genre: str = ""


def read_tags(path: str | Path, filename: str) -> TrackTags:
    """Tags of the audio file at ``path``; ``filename`` (the name the user knows) supplies the fallback.

    A missing title falls back to the file name: "Artist - Title.ext" gives both, anything else the stem.
    Unreadable tags are not an error: the file's audio is what matters, so we fall back and log.
    """
    found = _tags_from_file(Path(path))
    stem_artist, stem_title = _split_stem(PurePath(filename).stem)
    return TrackTags(
        title=found.get("title") or stem_title,
        artist=found.get("artist") or stem_artist,
        album=found.get("album", ""),
        genre=found.get("genre", ""),
    )


def _tags_from_file(path: Path) -> dict[str, str]:
    try:
        audio = mutagen.File(path, easy=True)
    except (mutagen.MutagenError, OSError, ValueError) as exc:
        logger.info("no readable tags in %s: %s", path.name, exc)
        return {}
    if audio is None or audio.tags is None:
        return {}
    if isinstance(audio.tags, ID3):
        return {field: _id3_text(audio.tags, frame) for field, frame in _ID3_FRAMES.items()}
    return {field: _first(audio.tags.get(key)) for field, key in _EASY_KEYS.items()}


def _id3_text(tags: ID3, frame_id: str) -> str:
    frame = tags.get(frame_id)
    if frame is None:
        return ""
    # TCON may hold ID3v1 genre numbers like "(17)"; .genres resolves them to names.
    values = frame.genres if frame_id == "TCON" else frame.text
    return _first([str(v) for v in values])


def _first(values: list[str] | None) -> str:
    for value in values or []:
        cleaned = " ".join(str(value).split())
        if cleaned:
            return cleaned[:255]
    return ""


def _split_stem(stem: str) -> tuple[str, str]:
    text = " ".join(stem.replace("_", " ").split())
    artist, sep, title = text.partition(" - ")
    if sep and artist and title:
        return artist[:255], title[:255]
    return "", (text or "Untitled")[:255]
