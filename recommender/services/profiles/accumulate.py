"""The profile's running sums: each signal adds ``weight x`` its track's mood, family and genre scores and
embedding. Linear, so :func:`apply_event` (one new event) and :func:`rebuild_profile` (the whole log)
agree exactly; the bulk task exists for changed weights, re-analysed tracks and repairs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db import transaction

from recommender.models import EventKind, ListenerProfile, ListeningEvent, TrackScores
from recommender.services.layout import layout
from recommender.services.profiles.weights import OWN_UPLOAD_WEIGHT, event_weight

__all__ = ["Signal", "apply_event", "rebuild_profile", "track_vectors"]


@dataclass(frozen=True)
class Signal:
    track_id: int
    weight: float
    kind: str = ""  # likes and dislikes also set the track's feedback


@dataclass(frozen=True)
class TrackVector:
    model_version: str
    moods: np.ndarray
    families: np.ndarray
    genres: np.ndarray
    embedding: np.ndarray | None


def track_vectors(track_ids: Iterable[int]) -> dict[int, TrackVector]:
    """Packed scores (and embedding, when it is of the same model version) of the tracks, one query."""
    lay = layout()
    rows = TrackScores.objects.filter(track_id__in=set(track_ids)).values_list(
        "track_id",
        "model_version",
        "moods",
        "genres",
        "track__embedding__vector",
        "track__embedding__model_version",
    )
    vectors = {}
    for track_id, version, moods, genres, embedding, embedding_version in rows:
        mood_scores = np.frombuffer(bytes(moods), dtype="<f4")
        vectors[track_id] = TrackVector(
            model_version=version,
            moods=mood_scores,
            families=lay.family_scores(mood_scores)[0],
            genres=np.frombuffer(bytes(genres), dtype="<f4"),
            embedding=np.asarray(embedding, dtype=np.float32)
            if embedding is not None and embedding_version == version
            else None,
        )
    return vectors


def _add(profile: ListenerProfile, signals: Iterable[Signal]) -> None:
    lay = layout()
    signals = list(signals)
    vectors = track_vectors(s.track_id for s in signals)
    moods = np.array([profile.mood_sums.get(m, 0.0) for m in lay.moods])
    families = np.array([profile.family_sums.get(f, 0.0) for f in lay.families])
    genres = np.array([profile.genre_sums.get(g, 0.0) for g in lay.genres])
    taste = np.array(profile.taste_sum, dtype=np.float64) if profile.taste_sum else None
    for signal in signals:
        profile.signal_count += 1
        if signal.kind in (EventKind.LIKE, EventKind.DISLIKE):
            profile.feedback[str(signal.track_id)] = signal.kind
        vector = vectors.get(signal.track_id)
        if vector is None:  # not analysed yet: counted, but says nothing about moods
            continue
        if not profile.model_version:
            profile.model_version = vector.model_version
        moods += signal.weight * vector.moods
        families += signal.weight * vector.families
        genres += signal.weight * vector.genres
        profile.positive_weight += max(signal.weight, 0.0)
        if vector.embedding is not None and vector.model_version == profile.model_version:
            taste = (
                signal.weight * vector.embedding
                if taste is None
                else taste + signal.weight * vector.embedding
            )
    profile.mood_sums = {m: round(float(v), 6) for m, v in zip(lay.moods, moods, strict=True)}
    profile.family_sums = {f: round(float(v), 6) for f, v in zip(lay.families, families, strict=True)}
    profile.genre_sums = {g: round(float(v), 6) for g, v in zip(lay.genres, genres, strict=True)}
    profile.taste_sum = [round(float(v), 6) for v in taste] if taste is not None else []


def apply_event(event: ListeningEvent) -> ListenerProfile:
    """Fold one new event into its listener's profile (locked row: concurrent events never lose an update)."""
    with transaction.atomic():
        profile, created = ListenerProfile.objects.get_or_create(user_id=event.user_id)
        if created:  # the first signal: start from the whole log, own uploads included
            return rebuild_profile(event.user_id)
        profile = ListenerProfile.objects.select_for_update().get(pk=profile.pk)
        _add(profile, [Signal(event.track_id, event_weight(event.kind, event.fraction), event.kind)])
        profile.save()
    return profile


def rebuild_profile(user_id: int) -> ListenerProfile:
    """Recompute a profile from the whole event log and the listener's own analysed uploads."""
    from catalog.models import Track

    with transaction.atomic():
        profile, _ = ListenerProfile.objects.get_or_create(user_id=user_id)
        profile = ListenerProfile.objects.select_for_update().get(pk=profile.pk)
        for field in ("mood_sums", "family_sums", "genre_sums", "feedback"):
            setattr(profile, field, {})
        profile.taste_sum, profile.positive_weight = [], 0.0
        profile.signal_count, profile.model_version = 0, ""
        events = ListeningEvent.objects.filter(user_id=user_id).order_by("created", "pk")
        signals = [
            Signal(e.track_id, event_weight(e.kind, e.fraction), e.kind)
            for e in events.only("track_id", "kind", "fraction")
        ]
        own = Track.objects.filter(owner_id=user_id, scores__isnull=False).values_list("pk", flat=True)
        signals += [Signal(track_id, OWN_UPLOAD_WEIGHT) for track_id in own]
        _add(profile, signals)
        profile.save()
    return profile
