"""`ModelBundle`: weights + architecture + audio contract + labels + metrics, saved as one folder.

A bundle folder holds `weights.pt` (the model's state_dict, CPU tensors) and `card.json` (everything
else, human-readable: the model card). `ModelBundle.load` rebuilds the network with
`ml.models.build_model`, so the card alone says how to make the model the weights belong to.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ml import taxonomy
from ml.audio import AudioContract, LogMel
from ml.inference.batched import AudioItem, predict_tracks
from ml.inference.current import default_bundle_dir
from ml.inference.device import autocast_dtype, select_device
from ml.inference.files import CARD_FILE, WEIGHTS_FILE
from ml.inference.prediction import TrackPrediction
from ml.models import MoodmixNet, build_model

__all__ = ["CARD_FORMAT", "ModelBundle", "default_bundle_dir"]

CARD_FORMAT = "moodmix-bundle/1"
# Windows per forward pass by device type. On a GPU one pass per track is fastest (512 windows: a
# 12.8 min track with the default contract). On one CPU thread a whole 3-minute track in one pass was
# 1.8x slower than passes of 16 windows (0.67 s vs 0.37 s for tf_cnn: the activations of 119 windows
# overflow the caches); see benchmarks/analysis_speed.py.
WINDOWS_PER_PASS = {"cpu": 16}
ACCELERATOR_WINDOWS_PER_PASS = 512

_OUTPUTS = {
    "mood": "per-mood probability: mean over 3 s windows of sigmoid(logit)",
    "families": "per-family probability: max over the family's moods (derived)",
    "genre": "per-genre probability: mean over windows of sigmoid(logit)",
    "speech": "probability of speech rather than music",
    "va": "valence and arousal in [-1, 1] (tanh), mean over windows",
    "embedding": "L2-normalised mean of window embeddings (trained with a triplet loss, and in v2 an "
    "NT-Xent loss on real music), then centred and whitened with the bundle's stored statistics when "
    "the model has track_whitening, L2-normalised last",
}
# Card keys the bundle owns; everything else in card.json is `card_extra`.
_OWN_KEYS = frozenset(
    {"format", "version", "created", "architecture", "arch_params", "parameters", "audio_contract",
     "frontend", "labels", "outputs", "metrics", "torch"}
)  # fmt: skip


@dataclass(eq=False)
class ModelBundle:
    """A trained model with everything needed to use it.

    `arch_params` are `build_model` keyword arguments beyond the label counts (embedding_dim and the
    backbone's parameters); `metrics` is free-form JSON (evaluation results); `card_extra` adds
    top-level sections to the model card (training config, data) and must not reuse the bundle's own
    keys. `mood_families` maps each mood label to its family (default: from `ml.taxonomy`); the card
    stores it so a bundle keeps working if the taxonomy changes later. `created` is an ISO-8601 UTC
    timestamp (default: now).
    """

    version: str
    architecture: str
    arch_params: dict[str, Any]
    contract: AudioContract
    mood_labels: list[str]
    genre_labels: list[str]
    metrics: dict[str, Any]
    model: MoodmixNet
    card_extra: dict[str, Any] = field(default_factory=dict)
    mood_families: dict[str, str] | None = None
    created: str | None = None
    frontend: LogMel = field(init=False, repr=False)

    def __post_init__(self) -> None:
        heads = self.model.heads
        if heads.mood.out_features != len(self.mood_labels) or heads.genre.out_features != len(
            self.genre_labels
        ):
            raise ValueError(
                f"the model predicts {heads.mood.out_features} moods and {heads.genre.out_features} genres, "
                f"the labels name {len(self.mood_labels)} and {len(self.genre_labels)}"
            )
        clashes = _OWN_KEYS & set(self.card_extra)
        if clashes:
            raise ValueError(f"card_extra may not redefine the bundle's own card keys {sorted(clashes)}")
        if self.mood_families is None:
            self.mood_families = {mood: taxonomy.family_of(mood) for mood in self.mood_labels}
        self.created = self.created or datetime.now(UTC).isoformat(timespec="seconds")
        self.frontend = LogMel(self.contract).to(self.device)

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    @property
    def parameter_count(self) -> int:
        return sum(p.numel() for p in self.model.parameters())

    def to(self, device: str | torch.device) -> ModelBundle:
        """Move the model and front end to `device`; returns self."""
        self.model.to(device)
        self.frontend.to(device)
        return self

    def card(self) -> dict[str, Any]:
        """The model card: what `card.json` holds."""
        return {
            "format": CARD_FORMAT,
            "version": self.version,
            "created": self.created,
            "architecture": self.architecture,
            "arch_params": self.arch_params,
            "parameters": self.parameter_count,
            "audio_contract": self.contract.to_dict(),
            "frontend": "log(mel_power + 1e-6), natural log; see ml.audio.LogMel",
            "labels": {
                "moods": self.mood_labels,
                "genres": self.genre_labels,
                "mood_families": self.mood_families,
            },
            "outputs": _OUTPUTS,
            "metrics": self.metrics,
            "torch": torch.__version__,
            **self.card_extra,
        }

    def save(self, directory: str | os.PathLike) -> Path:
        """Write `weights.pt` and `card.json` into `directory` (created if missing), each file replaced
        atomically so a reader never sees half a bundle file. Returns the folder."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        weights = {name: tensor.detach().cpu() for name, tensor in self.model.state_dict().items()}
        partial = directory / f".{WEIGHTS_FILE}.partial"
        torch.save(weights, partial)
        os.replace(partial, directory / WEIGHTS_FILE)
        partial = directory / f".{CARD_FILE}.partial"
        partial.write_text(json.dumps(self.card(), indent=2, default=_json_default) + "\n")
        os.replace(partial, directory / CARD_FILE)
        return directory

    @classmethod
    def load(cls, directory: str | os.PathLike, device: str | torch.device | None = None) -> ModelBundle:
        """Read a bundle folder; the model is in eval mode on `select_device(device)` (CUDA when
        available unless `device` or `$MOODMIX_DEVICE` say otherwise). Raises FileNotFoundError for a
        folder without a card or weights, ValueError for an unknown card format."""
        directory = Path(directory)
        card_path, weights_path = directory / CARD_FILE, directory / WEIGHTS_FILE
        if not card_path.is_file() or not weights_path.is_file():
            raise FileNotFoundError(
                f"no model bundle in {directory} (expected {CARD_FILE} and {WEIGHTS_FILE})"
            )
        card = json.loads(card_path.read_text())
        if card.get("format") != CARD_FORMAT:
            raise ValueError(
                f"{card_path} has format {card.get('format')!r}; this code reads {CARD_FORMAT!r}"
            )
        contract = AudioContract.from_dict(card["audio_contract"])
        labels = card["labels"]
        model = build_model(
            card["architecture"],
            n_moods=len(labels["moods"]),
            n_genres=len(labels["genres"]),
            n_mels=contract.n_features,
            **card["arch_params"],
        )
        model.load_state_dict(torch.load(weights_path, map_location="cpu", weights_only=True))
        model.to(select_device(device)).eval()
        return cls(
            version=card["version"],
            architecture=card["architecture"],
            arch_params=card["arch_params"],
            contract=contract,
            mood_labels=list(labels["moods"]),
            genre_labels=list(labels["genres"]),
            metrics=card["metrics"],
            model=model,
            card_extra={k: v for k, v in card.items() if k not in _OWN_KEYS},
            mood_families=dict(labels["mood_families"]),
            created=card["created"],
        )

    def finish_embedding(self, pooled: np.ndarray) -> np.ndarray:
        """The track embedding from the re-normalised mean of window embeddings: the model's stored
        centring/whitening (`MoodmixNet.finish_track_embedding`), L2-normalised last; float32."""
        with torch.inference_mode():
            vector = torch.as_tensor(np.asarray(pooled, dtype=np.float32), device=self.device)
            return self.model.finish_track_embedding(vector).float().cpu().numpy()

    @property
    def precision(self) -> torch.dtype | None:
        """The autocast dtype of the network's forward pass on this device, None for float32
        (`ml.inference.device.autocast_dtype`: bfloat16 on CUDA and on CPUs with bfloat16 units by default,
        else float32)."""
        return autocast_dtype(self.device)

    @property
    def windows_per_pass(self) -> int:
        """Default windows per forward pass on this bundle's device (`WINDOWS_PER_PASS`)."""
        return WINDOWS_PER_PASS.get(self.device.type, ACCELERATOR_WINDOWS_PER_PASS)

    def predict(self, path_or_wave: AudioItem, batch_size: int | None = None) -> TrackPrediction:
        """Analyse one track: a file path, or a 1-D float waveform already at `contract.sample_rate`.

        Decode -> windows -> batched LogMel + forward passes of `batch_size` windows (default
        `windows_per_pass`: the whole track in one pass on a GPU, 16 windows on the CPU) -> mean
        pooling. Raises `ml.audio.AudioError` for audio that cannot be analysed.
        """
        return predict_tracks(
            self, [path_or_wave], batch_size=self.windows_per_pass if batch_size is None else batch_size
        )[0]

    def predict_many(
        self, items: Iterable[AudioItem], batch_size: int | None = None
    ) -> list[TrackPrediction]:
        """`predict` for several tracks, with windows of consecutive tracks batched together
        (`batch_size` windows per forward pass, default `windows_per_pass`). Tracks are decoded one at a
        time, as batches need them. Returns one prediction per item, in order; the first bad item
        raises its AudioError."""
        return predict_tracks(
            self, items, batch_size=self.windows_per_pass if batch_size is None else batch_size
        )


def _json_default(value: Any) -> Any:
    """Metrics often hold numpy scalars and arrays; the card stores them as plain numbers and lists."""
    if isinstance(value, np.generic | np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
