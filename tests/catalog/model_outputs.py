"""Model outputs for the catalogue tests: a tiny real bundle saved to disk, and hand-made predictions and
features for tests of what gets stored (where running a network would only slow them down)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from ml import features as ml_features
from ml import taxonomy
from ml.audio import AudioContract
from ml.inference import ModelBundle, TrackPrediction
from ml.models import build_model

__all__ = ["GENRES", "MOODS", "make_features", "make_prediction", "save_tiny_bundle", "tiny_bundle"]

MOODS = [m.name for m in taxonomy.moods()]
GENRES = list(taxonomy.genres())
# Narrow channels: about 0.1 s per 10 s track on one CPU thread, and the card stays a real tf_cnn card.
TINY = {"timbre_channels": 4, "rhythm_channels": 2, "mid_channels": 16, "feature_dim": 32}


def tiny_bundle(version: str = "moodmix-test-v1", seed: int = 0) -> ModelBundle:
    """An untrained tf_cnn bundle over the full label space, 128-d embeddings (what the catalogue stores).
    Different seeds give different weights, so two versions predict differently."""
    torch.manual_seed(seed)
    model = build_model("tf_cnn", n_moods=len(MOODS), n_genres=len(GENRES), embedding_dim=128, **TINY)
    return ModelBundle(
        version=version,
        architecture="tf_cnn",
        arch_params={"embedding_dim": 128, **TINY},
        contract=AudioContract(),
        mood_labels=MOODS,
        genre_labels=GENRES,
        metrics={},
        model=model.eval(),
    )


def save_tiny_bundle(directory: Path, version: str = "moodmix-test-v1", seed: int = 0) -> Path:
    return tiny_bundle(version, seed).save(directory)


def make_prediction(
    version: str = "moodmix-test-v1",
    *,
    moods: dict[str, float] | None = None,
    genres: dict[str, float] | None = None,
    speech: float = 0.1,
    valence: float = 0.3,
    arousal: float = -0.2,
    embedding: np.ndarray | None = None,
    seconds: float = 9.0,
    seed: int = 0,
) -> TrackPrediction:
    """A prediction over the full label space: unnamed moods and genres score low (0.05), the given ones
    as given; three 3 s windows whose mood scores vary around the track's."""
    rng = np.random.default_rng(seed)
    mood_scores = {name: 0.05 for name in MOODS} | (moods or {})
    genre_scores = {name: 0.05 for name in GENRES} | (genres or {})
    if embedding is None:
        embedding = rng.standard_normal(128).astype(np.float32)
    embedding = embedding / np.linalg.norm(embedding)
    windows = [
        (
            start,
            min(start + 3.0, seconds),
            {k: float(np.clip(v + rng.uniform(-0.05, 0.05), 0, 1)) for k, v in mood_scores.items()},
        )
        for start in np.arange(0.0, seconds - 1.5, 1.5)
    ]
    families: dict[str, float] = {}
    for name, score in mood_scores.items():
        family = taxonomy.family_of(name)
        families[family] = max(families.get(family, 0.0), score)
    return TrackPrediction(
        moods=mood_scores,
        families=families,
        genres=genre_scores,
        speech=speech,
        valence=valence,
        arousal=arousal,
        embedding=embedding.astype(np.float32),
        windows=windows,
        duration=seconds,
        model_version=version,
    )


def make_features(**overrides) -> ml_features.AudioFeatures:
    """Features of a steady 120 BPM song in A minor; override any field."""
    values = {
        "duration": 9.0,
        "loudness_lufs": -14.2,
        "peak_dbfs": -1.0,
        "tempo_bpm": 120.0,
        "tempo_confidence": 0.9,
        "key": "A",
        "mode": "minor",
        "key_confidence": 0.85,
        "energy": 0.7,
        "danceability": 0.8,
        "speechiness": 0.1,
    }
    return ml_features.AudioFeatures(**(values | overrides))
