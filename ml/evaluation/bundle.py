"""Evaluate a trained `ml.inference.ModelBundle` on manifest entries, every head at once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ml.evaluation.baseline import mfcc_matrix, mfcc_precision
from ml.evaluation.regression import va_metrics
from ml.evaluation.retrieval import (
    annoy_neighbours,
    exact_neighbours,
    map_at_k,
    precision_at_k,
    recall_at_k,
    spread,
)
from ml.evaluation.retrieval import triplet_accuracy as triplet_accuracy_of
from ml.evaluation.tagging import binary_metrics, family_auc, multilabel_auc
from ml.training.cache import WaveformCache
from ml.training.labels import LabelSpace, encode_targets, group_ids
from ml.training.manifest import ManifestEntry

__all__ = ["evaluate_bundle", "evaluate_predictions"]


def evaluate_bundle(
    bundle: Any,
    entries: Sequence[ManifestEntry],
    *,
    k: int = 5,
    batch_size: int = 64,
    cache: WaveformCache | None = None,
    mfcc: bool = True,
    seed: int = 0,
) -> dict:
    """Run `bundle.predict_many` over `entries` (whole clips, windowed and pooled as in production)
    and return `evaluate_predictions` of the result, plus the mean-MFCC retrieval baseline.

    `batch_size` is windows per forward pass. With a `cache`, audio is read from it instead of decoded
    again. `mfcc=False` skips the baselines (overall and per source; they decode and analyse every clip
    once more on the CPU).
    """
    audio: list[Any] = [np.asarray(cache.get(e.path)) if cache else e.path for e in entries]
    predictions = bundle.predict_many(audio, batch_size=batch_size)
    metrics = evaluate_predictions(
        predictions,
        entries,
        LabelSpace(tuple(bundle.mood_labels), tuple(bundle.genre_labels)),
        k=k,
        seed=seed,
    )
    metrics["model_version"] = bundle.version
    if mfcc:
        ids = group_ids(entries)
        groups = np.array([ids[e.group] for e in entries])
        sources = np.array([e.source for e in entries])
        mfccs = mfcc_matrix(audio, sample_rate=bundle.contract.sample_rate)
        metrics["retrieval"]["mfcc_baseline"] = mfcc_precision(mfccs, groups, k=k)
        for source, scores in metrics["retrieval_by_source"].items():
            rows = sources == source
            scores["mfcc_baseline"] = mfcc_precision(mfccs[rows], groups[rows], k=k)
    return metrics


def evaluate_predictions(
    predictions: Sequence[Any],
    entries: Sequence[ManifestEntry],
    labels: LabelSpace,
    *,
    k: int = 5,
    seed: int = 0,
) -> dict:
    """All metrics for per-clip predictions (objects with the `TrackPrediction` fields: moods, genres,
    speech, valence, arousal, embedding) against the entries' labels.

    Returns {"n_clips", "mood", "mood_family", "genre" (see `multilabel_auc`), "speech"
    (`binary_metrics`), "va" (`va_metrics`), "retrieval": {"precision", "map", "triplet_accuracy",
    "index_recall"}, "speech_by_source", "retrieval_by_source"}. Heads with no known labels in `entries`
    report None values, not zeros.

    The by-source figures ask each source on its own: real recordings must pass the speech head without
    hiding among renders, and `retrieval_by_source["soundtrack"]` is same-soundtrack retrieval among
    soundtrack clips only (sources with fewer than two groups have nothing to retrieve and are left out).
    """
    if len(predictions) != len(entries):
        raise ValueError(f"{len(predictions)} predictions for {len(entries)} entries")
    ids = group_ids(entries)
    targets = [encode_targets(e, labels, ids[e.group]) for e in entries]

    def stack(key: str) -> np.ndarray:
        return np.stack([t[key] for t in targets])

    mood_scores = np.array([[p.moods[m] for m in labels.moods] for p in predictions]).reshape(
        len(entries), -1
    )
    genre_scores = np.array([[p.genres[g] for g in labels.genres] for p in predictions]).reshape(
        len(entries), -1
    )
    embeddings = np.stack([np.asarray(p.embedding, dtype=np.float64) for p in predictions])
    groups = stack("group")
    speech, speech_known = stack("speech"), stack("speech_known") > 0
    speech_scores = np.array([p.speech for p in predictions])
    sources = np.array([e.source for e in entries])
    k_index = min(k, len(entries) - 1)
    return {
        "n_clips": len(entries),
        "mood": multilabel_auc(stack("mood"), mood_scores, labels.moods, stack("mood_known") > 0),
        "mood_family": family_auc(stack("mood"), mood_scores, labels.moods, stack("mood_known") > 0),
        "genre": multilabel_auc(stack("genre"), genre_scores, labels.genres, stack("genre_known") > 0),
        "speech": binary_metrics(speech, speech_scores, speech_known),
        "speech_by_source": {
            source: binary_metrics(speech[rows], speech_scores[rows], speech_known[rows])
            for source in sorted(set(sources))
            for rows in [sources == source]
        },
        "va": va_metrics(
            np.array([[p.valence, p.arousal] for p in predictions]), stack("va"), stack("va_known") > 0
        ),
        "retrieval": {
            "precision": precision_at_k(embeddings, groups, k),
            "map": map_at_k(embeddings, groups, k),
            "triplet_accuracy": triplet_accuracy_of(embeddings, groups, seed=seed),
            "index_recall": {
                "k": k_index,
                "annoy_trees": 10,
                "recall": recall_at_k(
                    annoy_neighbours(embeddings, k_index), exact_neighbours(embeddings, k_index)
                ),
            },
        },
        "retrieval_by_source": {
            source: _source_retrieval(embeddings[rows], groups[rows], k=k, seed=seed)
            for source in sorted(set(sources))
            for rows in [sources == source]
            if len(set(groups[rows])) >= 2
        },
    }


def _source_retrieval(vectors: np.ndarray, groups: np.ndarray, *, k: int, seed: int) -> dict:
    """Retrieval among the clips of one source: precision@k, MAP@k, triplet accuracy, group count, and
    the spread (median cosine between clips of different groups)."""
    return {
        "spread": spread(vectors, groups),
        "precision": precision_at_k(vectors, groups, k),
        "map": map_at_k(vectors, groups, k),
        "triplet_accuracy": triplet_accuracy_of(vectors, groups, seed=seed),
        "groups": len(set(groups)),
    }
