"""What playlists take from a profile: family affinity, taste vector, liked counts, disliked tracks."""

from __future__ import annotations

from collections import Counter

import numpy as np

from recommender.models import EventKind, ListenerProfile, ListeningEvent
from recommender.services.playlists.context import Taste
from recommender.services.playlists.snapshot import Snapshot
from recommender.services.profiles.summary import summarise

__all__ = ["CONFIDENT_WEIGHT", "feedback", "taste_for"]

CONFIDENT_WEIGHT = 3.0
"""Positive signal weight (three likes) at which personalisation reaches its full strength."""


def feedback(user_id: int) -> tuple[set[int], set[int]]:
    """(liked, disliked) track ids: each track counted by the listener's *latest* like or dislike, so
    liking a track again after disliking it brings it back."""
    latest = (
        ListeningEvent.objects.filter(user_id=user_id, kind__in=[EventKind.LIKE, EventKind.DISLIKE])
        .order_by("track_id", "-created", "-pk")
        .distinct("track_id")
        .values_list("track_id", "kind")
    )
    liked, disliked = set(), set()
    for track_id, kind in latest:
        (liked if kind == EventKind.LIKE else disliked).add(track_id)
    return liked, disliked


def taste_for(user_id: int, snapshot: Snapshot) -> Taste:
    profile = ListenerProfile.objects.filter(user_id=user_id).first()
    liked, disliked = feedback(user_id)
    summary = summarise(profile, snapshot)
    affinity = np.array([f.share - f.prior for f in summary.families], dtype=np.float32)
    if summary.is_empty:
        affinity[:] = 0.0
    liked_rows = snapshot.rows(liked)
    liked_by_family = (
        Counter(int(i) for i in snapshot.families[liked_rows].argmax(axis=1)) if len(liked_rows) else {}
    )
    taste_vector = None
    if profile and profile.taste_sum and profile.model_version == snapshot.model_version:
        vector = np.array(profile.taste_sum)
        norm = np.linalg.norm(vector)
        taste_vector = (vector / norm).tolist() if norm > 0 else None
    confidence = min(1.0, profile.positive_weight / CONFIDENT_WEIGHT) if profile else 0.0
    return Taste(
        family_affinity=affinity,
        taste_vector=taste_vector,
        confidence=confidence,
        liked_by_family=dict(liked_by_family),
        disliked=frozenset(disliked),
    )
