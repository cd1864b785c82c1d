"""Dense item positions <-> the caller's ids (track ids), saved beside an index as one ``.npy`` file."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np

__all__ = ["IdMap"]


class IdMap:
    """Position ``i`` of an index holds the item whose id is ``ids[i]``.

    Loaded with ``mmap_mode="r"``, so a million ids (8 MB) cost no copy per process. The reverse lookup
    (id -> position) is built on first use only: searches never need it.
    """

    FILE = "ids.npy"

    def __init__(self, ids: np.ndarray):
        self.ids = ids
        self._positions: dict[int, int] | None = None

    @classmethod
    def from_ids(cls, ids: Iterable[int]) -> IdMap:
        return cls(np.fromiter(ids, dtype=np.int64))

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    def to_ids(self, positions: Iterable[int]) -> np.ndarray:
        return self.ids[np.fromiter(positions, dtype=np.int64)]

    def position(self, item_id: int) -> int | None:
        if self._positions is None:
            self._positions = {int(item_id): i for i, item_id in enumerate(self.ids)}
        return self._positions.get(int(item_id))

    def save(self, directory: Path) -> Path:
        path = Path(directory) / self.FILE
        np.save(path, np.ascontiguousarray(self.ids, dtype=np.int64))
        return path

    @classmethod
    def load(cls, directory: Path) -> IdMap:
        return cls(np.load(Path(directory) / cls.FILE, mmap_mode="r"))
