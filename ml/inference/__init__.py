"""Inference: model bundles (weights + card) and batched per-track prediction.

    bundle = ModelBundle.load(default_bundle_dir())        # eval mode, CUDA if available
    prediction = bundle.predict("song.flac")                # TrackPrediction
    prediction.moods, prediction.families, prediction.embedding, prediction.to_dict()

`default_bundle_dir()` follows the bundles root's `CURRENT` pointer (`ml.inference.current`).
Inference never trains and never downloads anything.
"""

from ml.inference.bundle import CARD_FORMAT, ModelBundle
from ml.inference.current import bundles_root, default_bundle_dir, point_default_at
from ml.inference.device import select_device
from ml.inference.prediction import TrackPrediction, pool_windows

__all__ = [
    "CARD_FORMAT",
    "ModelBundle",
    "TrackPrediction",
    "bundles_root",
    "default_bundle_dir",
    "point_default_at",
    "pool_windows",
    "select_device",
]
