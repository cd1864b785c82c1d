"""`TrackPrediction`, and pooling per-window head outputs into one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["TrackPrediction", "WindowOutputs", "pool_windows"]

# Per-window head outputs as numpy arrays: "mood" (N, n_moods) and "genre" (N, n_genres) probabilities,
# "speech" (N,) probability, "va" (N, 2), "embedding" (N, D) unit vectors.
WindowOutputs = dict[str, np.ndarray]


@dataclass
class TrackPrediction:
    """Everything the model says about one track.

    - `moods`, `genres`: label -> probability (mean over windows of the sigmoid of the logits);
    - `families`: mood family -> max of its moods' probabilities (derived, never predicted);
    - `speech`: probability that the audio is speech rather than music;
    - `valence`, `arousal`: mean over windows, in [-1, 1];
    - `embedding`: (D,) float32, L2-normalised mean of the window embeddings;
    - `windows`: the mood timeline, one (start_s, end_s, moods) per analysis window, in order;
    - `duration`: seconds of audio analysed; `model_version`: the bundle's version.
    """

    moods: dict[str, float]
    families: dict[str, float]
    genres: dict[str, float]
    speech: float
    valence: float
    arousal: float
    embedding: np.ndarray
    windows: list[tuple[float, float, dict[str, float]]]
    duration: float
    model_version: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (plain floats and lists); `from_dict` reads it back."""
        return {
            "model_version": self.model_version,
            "duration": self.duration,
            "moods": self.moods,
            "families": self.families,
            "genres": self.genres,
            "speech": self.speech,
            "valence": self.valence,
            "arousal": self.arousal,
            "embedding": [float(x) for x in self.embedding],
            "windows": [{"start_s": s, "end_s": e, "moods": m} for s, e, m in self.windows],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrackPrediction:
        return cls(
            moods=dict(data["moods"]),
            families=dict(data["families"]),
            genres=dict(data["genres"]),
            speech=float(data["speech"]),
            valence=float(data["valence"]),
            arousal=float(data["arousal"]),
            embedding=np.asarray(data["embedding"], dtype=np.float32),
            windows=[(float(w["start_s"]), float(w["end_s"]), dict(w["moods"])) for w in data["windows"]],
            duration=float(data["duration"]),
            model_version=data["model_version"],
        )


def pool_windows(
    outputs: WindowOutputs,
    *,
    starts_s: np.ndarray,
    window_s: float,
    duration: float,
    mood_labels: list[str],
    genre_labels: list[str],
    mood_families: dict[str, str],
    model_version: str,
) -> TrackPrediction:
    """Mean-pool one track's window outputs into a `TrackPrediction` (window scores averaged per track,
    as in the sota-music-tagging and CLMR evaluations). The pooled embedding is re-normalised: a mean of
    unit vectors is shorter than one. Timeline windows end at `min(start + window_s, duration)`."""
    moods = outputs["mood"].mean(axis=0)
    mood_scores = _labelled(mood_labels, moods)
    families: dict[str, float] = {}
    for label, score in mood_scores.items():
        family = mood_families[label]
        families[family] = max(score, families.get(family, 0.0))
    embedding = outputs["embedding"].mean(axis=0)
    embedding = (embedding / max(float(np.linalg.norm(embedding)), 1e-12)).astype(np.float32)
    valence, arousal = outputs["va"].mean(axis=0)
    timeline = [
        (float(start), float(min(start + window_s, duration)), _labelled(mood_labels, row))
        for start, row in zip(starts_s, outputs["mood"], strict=True)
    ]
    return TrackPrediction(
        moods=mood_scores,
        families=families,
        genres=_labelled(genre_labels, outputs["genre"].mean(axis=0)),
        speech=float(outputs["speech"].mean()),
        valence=float(valence),
        arousal=float(arousal),
        embedding=embedding,
        windows=timeline,
        duration=float(duration),
        model_version=model_version,
    )


def _labelled(labels: list[str], scores: np.ndarray) -> dict[str, float]:
    return {label: float(score) for label, score in zip(labels, scores, strict=True)}
