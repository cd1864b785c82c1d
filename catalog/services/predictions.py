"""Run the model bundle on a decoded track and store what it says.

Two halves, split the way the analysis pipeline (``catalog.services.analysis``) splits its steps:

- :func:`analyse_with_bundle` is the slow part, outside any transaction: one batched prediction
  (``ModelBundle.predict``: moods, genres, speech, valence/arousal, embedding, mood timeline) and the
  descriptive features (``ml.features.compute_features``, speechiness from the model's speech head);
- :func:`persist_analysis` writes everything in one transaction with the bundle's ``model_version``:
  the track's model mood and genre rows are replaced as a whole (editor rows are never touched), and
  ``TrackAnalysis``, ``AudioFeatures`` and ``TrackEmbedding`` are created or replaced.

The ``model`` analysis step ties them into ``catalog.analyze_track``: it computes on the decoded wave
and returns ``persist_analysis`` as its writer, which runs in the transaction that marks the track
``analyzed``. Without a bundle (a fresh install before ``make models``) the step logs a warning and
writes nothing: the track is analysed for its signal only and ``reanalyze --outdated`` picks it up once
a bundle is installed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import librosa
import numpy as np
from django.db import transaction
from django.utils import timezone

from catalog.bundles import bundle_dir, current_bundle
from catalog.models import (
    AudioFeatures,
    Genre,
    Mood,
    TagSource,
    Track,
    TrackAnalysis,
    TrackEmbedding,
    TrackGenre,
    TrackMood,
)
from catalog.models.analysis import EMBEDDING_DIMENSIONS
from catalog.services.analysis import DecodedAudio, ResultWriter, analysis_step
from ml import features as ml_features
from ml.inference import ModelBundle, TrackPrediction

__all__ = [
    "SPEECH_THRESHOLD",
    "ModelAnalysis",
    "analyse_with_bundle",
    "mood_uncertainty",
    "persist_analysis",
    "predict_with_model",
]

logger = logging.getLogger(__name__)

SPEECH_THRESHOLD = 0.5
"""Tracks whose mean speech probability is above this are flagged ``is_speech`` (kept out of music
playlists): the music/speech head is a calibrated binary classifier, so 0.5 is its decision point."""

TIMELINE_DECIMALS = 3


@dataclass(frozen=True)
class ModelAnalysis:
    """What the slow half computes for one track: the bundle's prediction and the audio features."""

    prediction: TrackPrediction
    features: ml_features.AudioFeatures


def analyse_with_bundle(
    wave: np.ndarray,
    sample_rate: int,
    bundle: ModelBundle,
    *,
    features: ml_features.AudioFeatures | None = None,
    prediction: TrackPrediction | None = None,
) -> ModelAnalysis:
    """Predict with ``bundle`` on a mono float waveform and compute its audio features.

    ``features`` and ``prediction`` already computed for this wave (the pipeline shares one features
    computation between its steps; a batch predicts many tracks together) are reused, not recomputed.
    The wave is resampled to the bundle's contract rate if it differs (the pipeline decodes at that rate,
    so normally it does not). Raises ``ml.audio.AudioError`` for audio the model cannot analyse (shorter
    than 1 s).
    """
    if prediction is None or prediction.model_version != bundle.version:
        model_rate = bundle.contract.sample_rate
        model_wave = (
            wave
            if sample_rate == model_rate
            else librosa.resample(wave, orig_sr=sample_rate, target_sr=model_rate)
        )
        prediction = bundle.predict(model_wave)
    if features is None:
        features = ml_features.compute_features(wave, sample_rate, device=bundle.device)
    features = replace(features, speechiness=_unit(prediction.speech))
    return ModelAnalysis(prediction=prediction, features=features)


def persist_analysis(
    track: Track, prediction: TrackPrediction, features: ml_features.AudioFeatures
) -> TrackAnalysis:
    """Store one analysis of ``track`` atomically, labelled with ``prediction.model_version``.

    Replaces the track's model mood/genre rows (one per predicted label), its analysis summary, features
    and embedding; editor rows stay as they are. Raises ValueError, writing nothing, when the bundle
    predicts a label the taxonomy tables lack (run ``manage.py load_taxonomy``) or its embedding is not
    ``EMBEDDING_DIMENSIONS`` long.
    """
    moods = _rows_named(Mood.objects.moods(), prediction.moods, "level-2 mood")
    genres = _rows_named(Genre.objects.top_level(), prediction.genres, "top-level genre")
    embedding = np.asarray(prediction.embedding, dtype=np.float32)
    if embedding.shape != (EMBEDDING_DIMENSIONS,):
        raise ValueError(
            f"embedding has shape {embedding.shape}; the catalogue stores {EMBEDDING_DIMENSIONS}"
        )
    version = prediction.model_version
    speech = _unit(prediction.speech)
    now = timezone.now()
    with transaction.atomic():
        # Serialise writers of one track (the pipeline already holds this lock; a backfill may not).
        list(Track.objects.select_for_update().filter(pk=track.pk).values_list("pk"))
        TrackMood.objects.filter(track=track, source=TagSource.MODEL).delete()
        TrackMood.objects.bulk_create(
            TrackMood(
                track=track, mood=moods[name], source=TagSource.MODEL, score=_unit(p), model_version=version
            )
            for name, p in prediction.moods.items()
        )
        TrackGenre.objects.filter(track=track, source=TagSource.MODEL).delete()
        TrackGenre.objects.bulk_create(
            TrackGenre(
                track=track, genre=genres[name], source=TagSource.MODEL, score=_unit(p), model_version=version
            )
            for name, p in prediction.genres.items()
        )
        analysis, _ = TrackAnalysis.objects.update_or_create(
            track=track,
            defaults={
                "model_version": version,
                "speech_probability": speech,
                "is_speech": speech > SPEECH_THRESHOLD,
                "valence": _signed_unit(prediction.valence),
                "arousal": _signed_unit(prediction.arousal),
                "uncertainty": mood_uncertainty(prediction.moods),
                "duration_s": prediction.duration,
                "timeline": _timeline(prediction),
                "analysed_at": now,
            },
        )
        AudioFeatures.objects.update_or_create(
            track=track, defaults=_feature_fields(features, prediction, now)
        )
        TrackEmbedding.objects.update_or_create(
            track=track, defaults={"vector": embedding.tolist(), "model_version": version}
        )
    return analysis


def mood_uncertainty(moods: dict[str, float]) -> float:
    """Mean binary entropy, in bits, of the mood probabilities: 0 when every probability is 0 or 1, 1 when
    all are 0.5. The editors' review queue shows the most uncertain tracks first."""
    p = np.clip(np.fromiter(moods.values(), dtype=np.float64), 1e-7, 1 - 1e-7)
    entropy = -(p * np.log2(p) + (1 - p) * np.log2(1 - p))
    return _unit(entropy.mean()) if p.size else 0.0


@analysis_step("model")
def predict_with_model(decoded: DecodedAudio) -> ResultWriter:
    """Analysis step: run the current bundle on the decoded track; the writer persists the results."""
    bundle = current_bundle()
    if bundle is None:
        logger.warning(
            "no model bundle in %s: track %s is analysed without model predictions",
            bundle_dir(),
            decoded.track_id,
        )
        return _no_results
    result = analyse_with_bundle(
        decoded.wave, decoded.sample_rate, bundle, features=decoded.features, prediction=decoded.prediction
    )

    def write(track: Track) -> None:
        persist_analysis(track, result.prediction, result.features)

    return write


def _no_results(track: Track) -> None:
    """The writer of a skipped model step: the track's previous model results, if any, stay as they are."""


def _rows_named(queryset, scores: dict[str, float], kind: str) -> dict:
    rows = {row.name: row for row in queryset.filter(name__in=list(scores))}
    missing = sorted(set(scores) - set(rows))
    if missing:
        raise ValueError(
            f"the bundle predicts {kind}s missing from the taxonomy tables: {', '.join(missing)} "
            "(run `manage.py load_taxonomy`)"
        )
    return rows


def _timeline(prediction: TrackPrediction) -> dict:
    labels = list(prediction.moods)
    return {
        "moods": labels,
        "windows": [
            [
                round(start, TIMELINE_DECIMALS),
                round(end, TIMELINE_DECIMALS),
                [round(_unit(m[label]), TIMELINE_DECIMALS) for label in labels],
            ]
            for start, end, m in prediction.windows
        ],
    }


def _feature_fields(features: ml_features.AudioFeatures, prediction: TrackPrediction, now) -> dict:
    values = features.to_dict()  # non-finite loudness (near-silence) is None here
    return {
        "tempo_bpm": values["tempo_bpm"],
        "tempo_confidence": _unit(features.tempo_confidence),
        "key": features.key or "",
        "mode": features.mode or "",
        "key_confidence": float(np.clip(features.key_confidence, -1.0, 1.0)),
        "loudness_lufs": values["loudness_lufs"],
        "energy": _unit(features.energy),
        "danceability": _unit(features.danceability),
        "speechiness": _unit(prediction.speech),
        "valence": _signed_unit(prediction.valence),
        "model_version": prediction.model_version,
        "computed_at": now,
    }


# Probabilities are float32 means of sigmoids and valence a mean of tanh outputs: clipping only absorbs
# rounding at the ends, so the database range checks hold.
def _unit(value: float) -> float:
    return float(np.clip(value, 0.0, 1.0))


def _signed_unit(value: float) -> float:
    return float(np.clip(value, -1.0, 1.0))
