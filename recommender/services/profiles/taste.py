"""What playlists take from a profile: family affinity, taste vector, liked counts, disliked tracks."""

from __future__ import annotations

from collections import Counter

import numpy as np

from recommender.models import EventKind, ListenerProfile
from recommender.services.playlists.context import Taste
from recommender.services.playlists.snapshot import Snapshot
from recommender.services.profiles.summary import summarise

__all__ = ["CONFIDENT_WEIGHT", "feedback", "taste_for"]

CONFIDENT_WEIGHT = 3.0
"""Positive signal weight (three likes) at which personalisation reaches its full strength."""


def feedback(profile: ListenerProfile | None) -> tuple[set[int], set[int]]:
    """(liked, disliked) track ids, each track by the listener's *latest* like or dislike (kept on the
    profile as events arrive), so liking a track again after disliking it brings it back."""
    liked, disliked = set(), set()
    for track_id, kind in (profile.feedback if profile else {}).items():
        (liked if kind == EventKind.LIKE else disliked).add(int(track_id))
    return liked, disliked


def taste_for(profile: ListenerProfile | None, snapshot: Snapshot) -> Taste:
    """What a playlist uses of ``profile`` (None: a cold start with nothing to exclude or boost)."""
    liked, disliked = feedback(profile)
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
