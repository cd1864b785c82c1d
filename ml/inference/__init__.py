"""Inference: model bundles (weights + card) and batched per-track prediction.

    bundle = ModelBundle.load(default_bundle_dir())        # eval mode, CUDA if available
    prediction = bundle.predict("song.flac")                # TrackPrediction
    prediction.moods, prediction.families, prediction.embedding, prediction.to_dict()

`default_bundle_dir()` follows the bundles root's `CURRENT` pointer (`ml.inference.current`).
Inference never trains and never downloads anything. Names that need torch (`ModelBundle`,
`CARD_FORMAT`, `select_device`) are imported on first use (`ml.lazy`): a process that only reads
predictions or bundle folders never loads torch.
"""

from ml.inference.current import bundles_root, default_bundle_dir, point_default_at
from ml.inference.prediction import TrackPrediction, pool_windows
from ml.lazy import lazy_attributes

__getattr__ = lazy_attributes(
    __name__,
    {
        "CARD_FORMAT": "ml.inference.bundle",
        "ModelBundle": "ml.inference.bundle",
        "select_device": "ml.inference.device",
    },
)

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
