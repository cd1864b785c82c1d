"""The catalogue as Subsonic sees it: artists, albums (an artist's album tags), songs.

Everything starts from ``Track.objects.visible_to(user)``: an artist or album is listed only when the
user may see one of its tracks, so a private track never leaks through a name, a count or a search.
Song payloads are built in bulk (one query for moods, one for stars per page).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from catalog.models import Artist, Track
from catalog.services.listing import row_tags
from catalog.streaming import AUDIO_CONTENT_TYPES
from recommender.subsonic import signals_adapter
from recommender.subsonic.errors import SubsonicError
from recommender.subsonic.ids import (
    NO_ALBUM,
    AlbumRef,
    album_digest,
    album_id,
    artist_id,
    track_id,
)

__all__ = [
    "Album",
    "album_payload",
    "albums_of",
    "all_albums",
    "artist_payload",
    "artists_index",
    "find_album",
    "get_artist",
    "get_track",
    "search",
    "songs_payload",
    "visible_tracks",
]


@dataclass
class Album:
    """One album tag of one artist, with the visible tracks carrying it."""

    artist: Artist
    name: str
    tracks: list[Track] = field(default_factory=list)

    @property
    def id(self) -> str:
        return album_id(self.artist.pk, self.name)


def visible_tracks(user):
    return Track.objects.visible_to(user).select_related("artist")


def get_track(user, pk: int) -> Track:
    track = visible_tracks(user).filter(pk=pk).first()
    if track is None:  # the same answer for a missing and a forbidden track: nothing leaks
        raise SubsonicError.not_found("Song")
    return track


def get_artist(user, pk: int) -> Artist:
    artist = Artist.objects.filter(pk=pk, tracks__in=visible_tracks(user)).distinct().first()
    if artist is None:
        raise SubsonicError.not_found("Artist")
    return artist


def albums_of(user, artist: Artist) -> list[Album]:
    albums: dict[str, Album] = {}
    for track in visible_tracks(user).filter(artist=artist).order_by("album", "title", "pk"):
        name = track.album.strip() or NO_ALBUM
        albums.setdefault(name.lower(), Album(artist, name)).tracks.append(track)
    return list(albums.values())


def find_album(user, ref: AlbumRef) -> Album:
    artist = get_artist(user, ref.artist_pk)
    for album in albums_of(user, artist):
        if album_digest(album.name) == ref.digest:
            return album
    raise SubsonicError.not_found("Album")


def artists_index(user) -> list[dict[str, Any]]:
    """``getArtists``' index: artists grouped by initial, each with its album count."""
    albums: dict[int, set[str]] = defaultdict(set)
    artists: dict[int, Artist] = {}
    for track in visible_tracks(user).only("album", "artist__name", "artist__slug"):
        artists[track.artist_id] = track.artist
        albums[track.artist_id].add((track.album.strip() or NO_ALBUM).lower())
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for artist in sorted(artists.values(), key=lambda a: a.name.lower()):
        initial = artist.name[:1].upper()
        groups[initial if initial.isalpha() else "#"].append(
            {**artist_payload(artist), "albumCount": len(albums[artist.pk])}
        )
    return [{"name": name, "artist": entries} for name, entries in sorted(groups.items())]


def artist_payload(artist: Artist) -> dict[str, Any]:
    return {"id": artist_id(artist.pk), "name": artist.name}


def album_payload(album: Album) -> dict[str, Any]:
    return {
        "id": album.id,
        "name": album.name,
        "title": album.name,
        "artist": album.artist.name,
        "artistId": artist_id(album.artist.pk),
        "coverArt": album.id,
        "songCount": len(album.tracks),
        "duration": int(sum(t.duration_s or 0 for t in album.tracks)),
        "created": min((t.created for t in album.tracks), default=None).isoformat() if album.tracks else None,
        "isDir": True,
    }


def songs_payload(user, tracks: Sequence[Track]) -> list[dict[str, Any]]:
    """Subsonic ``Child`` entries for tracks, with OpenSubsonic ``moods`` (the strongest mood families)
    and ``starred`` for the user's stars."""
    tags = row_tags(tracks)
    starred = signals_adapter.starred_at(user, [t.pk for t in tracks])
    return [_song(track, tags[track.pk], starred.get(track.pk)) for track in tracks]


def _song(track: Track, tags, starred) -> dict[str, Any]:
    album = track.album.strip() or NO_ALBUM
    payload = {
        "id": track_id(track.pk),
        "parent": album_id(track.artist_id, album),
        "isDir": False,
        "title": track.title,
        "album": album,
        "artist": track.artist.name,
        "albumId": album_id(track.artist_id, album),
        "artistId": artist_id(track.artist_id),
        "coverArt": track_id(track.pk),
        "size": track.size_bytes,
        "contentType": AUDIO_CONTENT_TYPES.get(track.format, "application/octet-stream"),
        "suffix": track.format,
        "duration": int(round(track.duration_s or 0)),
        "type": "music",
        "mediaType": "song",
        "created": track.created.isoformat(),
        "moods": [tag.term.name for tag in tags.families],
    }
    if track.genre_tag:
        payload["genre"] = track.genre_tag
    if starred is not None:
        payload["starred"] = starred.isoformat()
    return payload


@dataclass(frozen=True)
class SearchResult:
    artists: list[Artist]
    albums: list[Album]
    songs: list[Track]


def search(user, query: str, *, counts: dict[str, int], offsets: dict[str, int]) -> SearchResult:
    """``search3``: case-insensitive substring match on names; an empty query lists everything (the
    OpenSubsonic clarification clients rely on to sync a whole library)."""
    query = query.strip().strip('"')
    tracks = visible_tracks(user)
    if query:
        tracks = tracks.filter(
            Q(title__icontains=query) | Q(artist__name__icontains=query) | Q(album__icontains=query)
        )
    songs = list(tracks.order_by("title", "pk")[_window(counts["song"], offsets["song"])])
    artist_ids = visible_tracks(user).values("artist_id")
    artists_qs = Artist.objects.filter(pk__in=artist_ids).order_by("name", "pk")
    if query:
        artists_qs = artists_qs.filter(name__icontains=query)
    artists = list(artists_qs[_window(counts["artist"], offsets["artist"])])
    albums = _search_albums(user, query)[_window(counts["album"], offsets["album"])]
    return SearchResult(artists, albums, songs)


def all_albums(user, tracks=None) -> list[Album]:
    """Every album (artist + album tag) among ``tracks`` (default: all the user may see)."""
    tracks = visible_tracks(user) if tracks is None else tracks
    albums: dict[tuple[int, str], Album] = {}
    for track in tracks.order_by("album", "artist__name", "title", "pk"):
        name = track.album.strip() or NO_ALBUM
        albums.setdefault((track.artist_id, name.lower()), Album(track.artist, name)).tracks.append(track)
    return list(albums.values())


def _search_albums(user, query: str) -> list[Album]:
    tracks = visible_tracks(user).exclude(album="")
    if query:
        tracks = tracks.filter(album__icontains=query)
    albums: dict[tuple[int, str], Album] = {}
    for track in tracks.order_by("album", "artist__name", "pk"):
        albums.setdefault(
            (track.artist_id, track.album.lower()), Album(track.artist, track.album)
        ).tracks.append(track)
    return list(albums.values())


def _window(count: int, offset: int) -> slice:
    return slice(offset, offset + count)
