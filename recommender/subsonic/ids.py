"""Subsonic ids: opaque strings to clients, typed prefixes here (``tr-12``, ``ar-3``, ``al-3-<hash>``).

Moodmix has no album table (an album is the album tag of an artist's tracks), so an album id is the
artist id plus a short hash of the normalised tag: stable while the tag is, and reversible by hashing the
artist's (few) album names.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from recommender.subsonic.errors import SubsonicError

__all__ = [
    "AlbumRef",
    "album_id",
    "artist_id",
    "parse_album_id",
    "parse_artist_id",
    "parse_track_id",
    "track_id",
]

NO_ALBUM = "(no album)"
"""What tracks without an album tag are listed under, per artist."""


@dataclass(frozen=True)
class AlbumRef:
    artist_pk: int
    digest: str


def track_id(pk: int) -> str:
    return f"tr-{pk}"


def artist_id(pk: int) -> str:
    return f"ar-{pk}"


def album_digest(album_tag: str) -> str:
    return hashlib.sha1(" ".join(album_tag.lower().split()).encode()).hexdigest()[:12]  # noqa: S324


def album_id(artist_pk: int, album_tag: str) -> str:
    return f"al-{artist_pk}-{album_digest(album_tag)}"


def parse_track_id(value: str | None) -> int:
    return _int_after("tr-", value, "Song")


def parse_artist_id(value: str | None) -> int:
    return _int_after("ar-", value, "Artist")


def parse_album_id(value: str | None) -> AlbumRef:
    if not value or not value.startswith("al-"):
        raise SubsonicError.not_found("Album")
    artist, _, digest = value[3:].partition("-")
    if not artist.isdigit() or not digest:
        raise SubsonicError.not_found("Album")
    return AlbumRef(int(artist), digest)


def _int_after(prefix: str, value: str | None, what: str) -> int:
    if value is None:
        raise SubsonicError.missing("id")
    # Bare integers are accepted too: some clients strip what looks like a prefix from ids they store.
    raw = value[len(prefix) :] if value.startswith(prefix) else value
    if not raw.isdigit():
        raise SubsonicError.not_found(what)
    return int(raw)
