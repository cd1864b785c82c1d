"""Nearest-neighbour indexes over unit-length embeddings, independent of where the vectors live.

- :class:`VectorIndex` is the protocol every backend follows (search by vector, ids out);
- ``exact`` (numpy, brute force): the reference for recall checks and small catalogues;
- ``annoy`` (Spotify's Annoy): a random-projection forest in one file, memory-mapped, so every web and
  worker process on a host shares one copy of the pages; ``search_k`` trades accuracy for time;
- :class:`IdMap`: dense item positions <-> the caller's ids (Annoy numbers items 0..n-1);
- :class:`IndexStore`: a folder of builds and a ``CURRENT`` pointer replaced atomically, read by
  :meth:`IndexStore.current` which notices a new build with one ``stat`` per call.

Backends are registered by name (``BACKENDS``) so callers pick one with a string from a setting or a CLI
flag. The library never imports Django: the catalogue streams ``(id, vector)`` pairs into it.
"""

from ml.index.annoy_backend import AnnoyVectorIndex
from ml.index.exact import ExactIndex
from ml.index.idmap import IdMap
from ml.index.protocol import BACKENDS, Hits, VectorIndex, build_index, open_index, register_backend
from ml.index.store import IndexManifest, IndexStore, LoadedIndex

__all__ = [
    "BACKENDS",
    "AnnoyVectorIndex",
    "ExactIndex",
    "Hits",
    "IdMap",
    "IndexManifest",
    "IndexStore",
    "LoadedIndex",
    "VectorIndex",
    "build_index",
    "open_index",
    "register_backend",
]
