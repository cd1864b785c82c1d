"""How much each kind of signal says about a listener's taste: a registry, so a new signal kind is one
entry, not another branch. Weights are signed: likes and full plays pull toward a track's moods,
dislikes and early skips push away."""

from __future__ import annotations

from collections.abc import Callable

from recommender.models import EventKind

__all__ = ["OWN_UPLOAD_WEIGHT", "event_weight"]

OWN_UPLOAD_WEIGHT = 0.3
"""A listener's own upload is a weak positive: they chose it, but maybe not for listening."""

_WEIGHTS: dict[str, Callable[[float | None], float]] = {
    EventKind.LIKE: lambda fraction: 1.0,
    EventKind.DISLIKE: lambda fraction: -1.0,
    # A play says more the more of the track was heard; a full play is half a like.
    EventKind.PLAY: lambda fraction: 0.5 * (1.0 if fraction is None else fraction),
    # Skipping at once says more than skipping near the end.
    EventKind.SKIP: lambda fraction: -0.3 * (1.0 - (0.0 if fraction is None else fraction)),
}


def event_weight(kind: str, fraction: float | None) -> float:
    return _WEIGHTS[kind](fraction)
