"""Keeps the compact score table (``TrackScores``) in step with the catalogue.

A row is (re)built from a track's *effective* tags (editors' verdicts win, ``catalog.services.
effective_tags``), its analysis (valence, arousal, speech) and its audio features (tempo, key). Every
write bumps the model version's ``ScoreGeneration`` so processes holding a cached snapshot reload it.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from django.db import transaction
from django.db.models import Count, F

from catalog.choices import TrackStatus
from catalog.models import TrackAnalysis
from catalog.services.effective_tags import effective_genres_for, effective_moods_for
from recommender.models import ScoreGeneration, TrackScores
from recommender.services.layout import layout

__all__ = ["CIRCLE_OF_FIFTHS", "bump_generation", "refresh_all", "refresh_track_scores"]

CIRCLE_OF_FIFTHS = {
    p: i for i, p in enumerate(["C", "G", "D", "A", "E", "B", "F#", "C#", "G#", "D#", "A#", "F"])
}
"""Pitch class -> position on the circle of fifths: neighbouring keys mix smoothly. A minor key is placed
at its relative major (A minor sits with C major), the DJs' harmonic-mixing convention."""
_RELATIVE_MAJOR_STEPS = 3  # a minor key's relative major lies 3 fifths back (A minor -> C major)


def key_position(key: str, mode: str) -> int | None:
    if not key:
        return None
    position = CIRCLE_OF_FIFTHS[key]
    return (position - _RELATIVE_MAJOR_STEPS) % 12 if mode == "minor" else position


def refresh_track_scores(track_ids: Iterable[int]) -> int:
    """Rebuild the score rows of ``track_ids`` (analysed ones; others lose their row); rows written."""
    ids = list(track_ids)
    if not ids:
        return 0
    lay = layout()
    mood_pos, genre_pos = lay.mood_index, lay.genre_index
    analyses = {
        a.track_id: a
        for a in TrackAnalysis.objects.filter(track_id__in=ids, track__status=TrackStatus.ANALYZED)
        .select_related("track__features")
        .only("track_id", "model_version", "valence", "arousal", "is_speech", "track__features")
    }
    moods, genres = effective_moods_for(analyses), effective_genres_for(analyses)
    rows = []
    for track_id, analysis in analyses.items():
        mood_vec = np.zeros(len(lay.moods), dtype="<f4")
        for tag in moods[track_id]:
            if tag.term.name in mood_pos:
                mood_vec[mood_pos[tag.term.name]] = tag.score
        genre_vec = np.zeros(len(lay.genres), dtype="<f4")
        for tag in genres[track_id]:
            if tag.term.name in genre_pos:
                genre_vec[genre_pos[tag.term.name]] = tag.score
        features = getattr(analysis.track, "features", None)
        rows.append(
            TrackScores(
                track_id=track_id,
                model_version=analysis.model_version,
                moods=mood_vec.tobytes(),
                genres=genre_vec.tobytes(),
                valence=analysis.valence,
                arousal=analysis.arousal,
                tempo_bpm=features.tempo_bpm if features else None,
                key_index=key_position(features.key, features.mode) if features else None,
                minor=(features.mode == "minor") if features and features.mode else None,
                is_speech=analysis.is_speech,
            )
        )
    with transaction.atomic():
        TrackScores.objects.filter(track_id__in=ids).exclude(track_id__in=analyses).delete()
        TrackScores.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["track"],
            update_fields=[
                "model_version",
                "moods",
                "genres",
                "valence",
                "arousal",
                "tempo_bpm",
                "key_index",
                "minor",
                "is_speech",
                "updated",
            ],
        )
        bump_generation({row.model_version for row in rows} or None)
    return len(rows)


def refresh_all(batch: int = 2000) -> int:
    """Rebuild every row (the bulk task); returns rows written."""
    written = 0
    ids = list(TrackAnalysis.objects.order_by("track_id").values_list("track_id", flat=True))
    for start in range(0, len(ids), batch):
        written += refresh_track_scores(ids[start : start + batch])
    return written


def bump_generation(versions: set[str] | None = None) -> None:
    """Mark cached snapshots stale (of ``versions``, or of every version when None) and recount every
    version's scored tracks: a track re-analysed by a new model leaves its old version's count, and a
    version whose tracks all left must stop being the default, or every playlist would come back empty."""
    counts = dict(
        TrackScores.objects.values("model_version").annotate(n=Count("pk")).values_list("model_version", "n")
    )
    known = set(ScoreGeneration.objects.values_list("model_version", flat=True))
    stale = known if versions is None else set(versions)
    for version in known | stale:
        tracks = counts.get(version, 0)
        if version not in stale:
            ScoreGeneration.objects.filter(pk=version).exclude(tracks=tracks).update(tracks=tracks)
            continue
        _, created = ScoreGeneration.objects.get_or_create(model_version=version, defaults={"tracks": tracks})
        if not created:
            ScoreGeneration.objects.filter(pk=version).update(generation=F("generation") + 1, tracks=tracks)
