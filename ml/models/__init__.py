"""Model architectures: a registry of backbones under one multi-task network, `MoodmixNet`.

`build_model("tf_cnn" | "crnn", n_moods=..., n_genres=..., embedding_dim=128, n_mels=96, **params)`
returns a fresh network; see `tf_cnn` (Pons et al. 2016; Lidy & Schindler 2016) and `crnn`
(Choi et al. 2017). Importing this package registers the built-in architectures.
"""

from ml.models import crnn, tf_cnn  # noqa: F401  (registers the built-in architectures)
from ml.models.net import Backbone, MoodmixNet, MultiTaskHeads
from ml.models.registry import available_architectures, build_model, register_architecture

__all__ = [
    "Backbone",
    "MoodmixNet",
    "MultiTaskHeads",
    "available_architectures",
    "build_model",
    "register_architecture",
]
