"""Annoy (Bernhardsson, Spotify 2013): a forest of random-projection trees in one memory-mapped file.

Built on disk (``on_disk_build``) so a million 128-d vectors never sit twice in RAM, and opened with
``mmap``: every process on the host shares the page cache, and opening costs microseconds. Annoy numbers
items 0..n-1, so the caller's ids live beside it in an :class:`~ml.index.idmap.IdMap`.

Accuracy knobs: ``n_trees`` at build (more trees: larger file, better recall for the same work) and
``search_k`` per query (how many candidate nodes to inspect; Annoy's default is ``n_trees * k``).
The angular distance Annoy returns is ``sqrt(2 - 2 cos)`` on unit vectors, so cosine = ``1 - d**2 / 2``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import annoy
import numpy as np

from ml.index.idmap import IdMap
from ml.index.protocol import Hits, as_unit_query, register_backend

__all__ = ["DEFAULT_N_TREES", "AnnoyVectorIndex"]

DEFAULT_N_TREES = 50
"""Measured in docs/benchmarks.md: at 100k x 128, 50 trees reach recall@10 0.975 at search_k 1,000
(p50 0.21 ms) and 0.999 at 5,000; the file is about 2x the raw vectors (109 MB for 100k)."""


class AnnoyVectorIndex:
    """An Annoy forest opened from a folder (``index.ann`` + ``ids.npy`` + ``annoy.json``)."""

    backend = "annoy"
    FILE = "index.ann"
    PARAMS_FILE = "annoy.json"

    def __init__(self, forest: annoy.AnnoyIndex, idmap: IdMap, dimensions: int, n_trees: int, search_k: int):
        self.forest = forest
        self.idmap = idmap
        self.dimensions = dimensions
        self.n_trees = n_trees
        self.default_search_k = search_k

    def __len__(self) -> int:
        return len(self.idmap)

    def search(self, query: Any, k: int, *, accuracy: int | None = None) -> Hits:
        q = as_unit_query(query, self.dimensions)
        search_k = accuracy if accuracy is not None else self.default_search_k
        positions, distances = self.forest.get_nns_by_vector(q, k, search_k=search_k, include_distances=True)
        if not positions:
            return Hits(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
        d = np.asarray(distances, dtype=np.float32)
        return Hits(self.idmap.to_ids(positions), 1.0 - d * d / 2.0)

    @classmethod
    def build(
        cls,
        items: Iterable[tuple[int, Any]],
        directory: Path,
        dimensions: int,
        *,
        n_trees: int = DEFAULT_N_TREES,
        search_k: int | None = None,
        n_jobs: int = 1,
        seed: int = 0,
        progress=None,
    ) -> AnnoyVectorIndex:
        """Stream ``(id, vector)`` pairs into ``directory`` and build the forest there.

        ``n_jobs`` defaults to 1: the rebuild runs beside analyses and web requests, and a background job
        should not take every core. ``progress(n)`` is called every 10,000 items added.
        """
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        forest = annoy.AnnoyIndex(dimensions, "angular")
        forest.set_seed(seed)
        forest.on_disk_build(str(directory / cls.FILE))
        ids: list[int] = []
        for position, (item_id, vector) in enumerate(items):
            forest.add_item(position, np.asarray(vector, dtype=np.float32))
            ids.append(int(item_id))
            if progress is not None and (position + 1) % 10_000 == 0:
                progress(position + 1)
        if progress is not None:
            progress(len(ids))
        forest.build(n_trees, n_jobs=n_jobs)
        forest.unload()
        IdMap.from_ids(ids).save(directory)
        search_k = search_k if search_k is not None else default_search_k(n_trees, len(ids))
        params = {"dimensions": dimensions, "n_trees": n_trees, "search_k": search_k, "items": len(ids)}
        (directory / cls.PARAMS_FILE).write_text(json.dumps(params))
        return cls.open(directory)

    @classmethod
    def open(cls, directory: Path) -> AnnoyVectorIndex:
        directory = Path(directory)
        params = json.loads((directory / cls.PARAMS_FILE).read_text())
        forest = annoy.AnnoyIndex(params["dimensions"], "angular")
        forest.load(str(directory / cls.FILE), prefault=False)  # mmap: pages come from the shared cache
        return cls(forest, IdMap.load(directory), params["dimensions"], params["n_trees"], params["search_k"])


def default_search_k(n_trees: int, items: int) -> int:
    """Candidates inspected per query: 100 per tree, and at least 1% of the items.

    Measured (docs/benchmarks.md, 50 trees, clustered data): at 100k, 5,000 gives recall@10 0.999 (1,000
    already 0.975); at 1M, 5,000 gives only 0.876 and 10,000 gives 0.952, so the work has to grow with
    the catalogue. The database round trip that follows a query costs more than these candidates.
    """
    return max(n_trees * 100, items // 100)


register_backend(
    "annoy",
    build=lambda items, directory, dimensions, **params: AnnoyVectorIndex.build(
        items, directory, dimensions, **params
    ),
    open=AnnoyVectorIndex.open,
)
