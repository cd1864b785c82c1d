"""Recommendations and playlists for the API: what the validated parameters ask, as the playlist service's
:class:`PlaylistRequest`, plus the Spotify-style feature bounds (``min_energy``, ``max_tempo``...).

The playlist service ranks by mood; it has no notion of energy or tempo ranges. Bounds are therefore
applied the one way the service accepts: tracks outside them are passed in ``exclude`` (one indexed query
over the audio features). Generation itself, reasons included, is the service's.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.db.models import Q

from catalog.models import AudioFeatures, Track
from recommender.api.models import Partner
from recommender.models import Playlist
from recommender.services.playlists import GeneratedPlaylist, PlaylistRequest, generate, save_playlist
from recommender.services.playlists.naming import default_name

__all__ = [
    "FEATURE_FIELDS",
    "FeatureBounds",
    "PlaylistAsk",
    "ShownItem",
    "create_playlist",
    "playlist_items",
    "playlists_for_client",
    "recommend",
    "shown_items",
]

FEATURE_FIELDS = {
    # API name -> AudioFeatures column, with how an API value becomes a stored one.
    "danceability": ("danceability", lambda v: v),
    "energy": ("energy", lambda v: v),
    "tempo": ("tempo_bpm", lambda v: v),
    "loudness": ("loudness_lufs", lambda v: v),
    "speechiness": ("speechiness", lambda v: v),
    # Spotify's valence is in [0, 1]; ours is stored in [-1, 1].
    "valence": ("valence", lambda v: 2.0 * v - 1.0),
}


@dataclass(frozen=True)
class FeatureBounds:
    """``{"energy": (0.5, None), "tempo": (None, 120.0)}``: inclusive bounds in the API's units."""

    bounds: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)

    def outside(self) -> Q | None:
        """Features rows a bounded request must leave out (a missing value, e.g. no tempo, is outside)."""
        condition = None
        for name, (low, high) in self.bounds.items():
            column, convert = FEATURE_FIELDS[name]
            part = Q(**{f"{column}__isnull": True})
            if low is not None:
                part |= Q(**{f"{column}__lt": convert(low)})
            if high is not None:
                part |= Q(**{f"{column}__gt": convert(high)})
            condition = part if condition is None else condition | part
        return condition


@dataclass(frozen=True)
class PlaylistAsk:
    request: PlaylistRequest
    bounds: FeatureBounds = field(default_factory=FeatureBounds)


def recommend(ask: PlaylistAsk, user) -> GeneratedPlaylist:
    """Generate with the service, the feature bounds turned into excluded tracks. Raises the service's
    ``PlaylistError`` (a message for the client) and ``ValueError`` from the request's own checks."""
    request = ask.request
    outside = ask.bounds.outside()
    if outside is not None:
        excluded = [
            *AudioFeatures.objects.filter(outside).values_list("track_id", flat=True),
            # Scored tracks without any features row: their value is unknown, so outside the bounds.
            *Track.objects.filter(scores__isnull=False, features__isnull=True).values_list("pk", flat=True),
        ]
        request = replace(request, exclude=tuple({*request.exclude, *excluded}))
    return generate(request, user)


@dataclass(frozen=True)
class ShownItem:
    position: int
    score: float
    reason: str
    track: Track


def shown_items(items) -> list[ShownItem]:
    """Generated items or stored ``PlaylistItem`` rows with their tracks, loaded in one query."""
    items = list(items)
    tracks = Track.objects.select_related("artist").in_bulk([item.track_id for item in items])
    return [
        ShownItem(getattr(item, "position", position), item.score, item.reason, tracks[item.track_id])
        for position, item in enumerate(items)
        if item.track_id in tracks
    ]


def create_playlist(ask: PlaylistAsk, owner, name: str = "") -> Playlist | None:
    """Generate for ``owner`` and store it with the service (None when no track fits the request)."""
    generated = recommend(ask, owner)
    if not generated.items:
        return None
    return save_playlist(generated, owner, name or default_name(ask.request, owner))


def playlists_for_client(user, partner: Partner | None):
    """Playlists a client may read: its own and, for a partner, those of its listeners (never another
    partner's: they are owned by other accounts)."""
    owners = Q(owner=user)
    if partner is not None:
        owners |= Q(owner__partner_listener__partner=partner)
    return Playlist.objects.filter(owners).select_related("owner__partner_listener")


def playlist_items(playlist: Playlist) -> list[ShownItem]:
    """The stored items whose tracks the owner may still see (a track made private since is left out)."""
    visible = Track.objects.visible_to(playlist.owner).values("pk")
    return shown_items(playlist.items.filter(track__in=visible).order_by("position"))
