"""What a strategy sees: the request, the snapshot, the rows it may use, the listener's profile."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from recommender.services.playlists.request import PlaylistRequest
from recommender.services.playlists.snapshot import Snapshot

__all__ = ["Context", "Taste"]


@dataclass
class Taste:
    """The parts of a listener profile playlists use (``recommender.services.profiles.taste_for``)."""

    family_affinity: np.ndarray  # (n_families,) share minus catalogue prior
    taste_vector: list[float] | None
    confidence: float  # 0 for a cold start, 1 once the profile rests on enough signals
    liked_by_family: dict[int, int] = field(default_factory=dict)  # family index -> liked tracks
    disliked: frozenset[int] = frozenset()


@dataclass
class Context:
    request: PlaylistRequest
    snapshot: Snapshot
    user: object  # a Django user (or AnonymousUser)
    allowed: np.ndarray  # bool (n,): rows the playlist may hold
    taste: Taste | None = None
    extras: dict = field(default_factory=dict)  # per-strategy state shared with its reasons

    @property
    def user_id(self) -> int | None:
        return self.user.pk if getattr(self.user, "is_authenticated", False) else None
