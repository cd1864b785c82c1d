"""The contract of a vector index backend, and the registry that names the backends."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

__all__ = ["BACKENDS", "Hits", "VectorIndex", "build_index", "open_index", "register_backend"]


@dataclass(frozen=True)
class Hits:
    """Search results, most similar first: the caller's ids and their cosine similarities."""

    ids: np.ndarray  # int64
    similarities: np.ndarray  # float32, descending

    def __len__(self) -> int:
        return len(self.ids)

    def pairs(self) -> list[tuple[int, float]]:
        return [(int(i), float(s)) for i, s in zip(self.ids, self.similarities, strict=True)]


@runtime_checkable
class VectorIndex(Protocol):
    """A read-only index over unit-length vectors of one dimension, searched by cosine similarity.

    ``accuracy`` is the backend's own knob (Annoy's ``search_k``; ignored by exact search): more is
    slower and closer to exact. ``len(index)`` is the number of items.
    """

    backend: str
    dimensions: int

    def __len__(self) -> int: ...

    def search(self, query: np.ndarray, k: int, *, accuracy: int | None = None) -> Hits: ...


@dataclass(frozen=True)
class Backend:
    """How to build a backend's files into a folder from a stream, and how to open them again."""

    name: str
    build: Callable[..., VectorIndex]  # (items, directory, dimensions, **params) -> index
    open: Callable[[Path], VectorIndex]


BACKENDS: dict[str, Backend] = {}
"""Backends by name, filled by :func:`register_backend` when their modules are imported."""


def register_backend(name: str, *, build: Callable[..., VectorIndex], open: Callable[[Path], VectorIndex]):
    BACKENDS[name] = Backend(name=name, build=build, open=open)


def build_index(
    backend: str,
    items: Iterable[tuple[int, Any]],
    directory: Path,
    dimensions: int,
    **params: Any,
) -> VectorIndex:
    """Build ``backend``'s files into ``directory`` from ``(id, vector)`` pairs and return the index."""
    return BACKENDS[backend].build(items, Path(directory), dimensions, **params)


def open_index(backend: str, directory: Path) -> VectorIndex:
    """Open (memory-map where the backend can) an index built by :func:`build_index`."""
    return BACKENDS[backend].open(Path(directory))


def as_unit_query(query: Any, dimensions: int) -> np.ndarray:
    """The query as a float32 unit vector of the index's dimension (cosine needs unit length)."""
    vector = np.asarray(query, dtype=np.float32).reshape(-1)
    if vector.shape[0] != dimensions:
        raise ValueError(f"query has {vector.shape[0]} dimensions, the index {dimensions}")
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector
