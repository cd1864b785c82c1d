"""How long the music map's layout takes for a catalogue of N tracks (default 10,000).

Synthetic unit-length 128-d embeddings in 40 clusters (the shape of a real catalogue: moods and genres
group tracks), laid out by each method of ``recommender.explore.layouts`` exactly as the map task calls
it. UMAP is timed twice: the first call in a process includes numba's compilation of UMAP's kernels
(paid once per worker process), the second is the steady state. Usage:

    OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1 .venv/bin/python benchmarks/music_map.py [--tracks 10000]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from recommender.explore.layouts import LAYOUTS, SEED, normalise  # noqa: E402
from tests.explore.vectors import synthetic_vectors  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=10_000)
    parser.add_argument("--clusters", type=int, default=40)
    args = parser.parse_args()
    vectors, _ = synthetic_vectors(args.tracks, args.clusters)
    print(f"{args.tracks} tracks, {vectors.shape[1]}-d, cpus={os.cpu_count()}, load={os.getloadavg()[0]:.1f}")
    started = time.perf_counter()
    import umap  # noqa: F401 - importing compiles part of numba's code: part of a cold start

    print(f"import umap: {time.perf_counter() - started:.1f} s")
    for name, label in [("pca", "pca"), ("umap", "umap (first call, with JIT)"), ("umap", "umap (warm)")]:
        started = time.perf_counter()
        coords = normalise(LAYOUTS[name](vectors, SEED))
        print(f"{label}: {time.perf_counter() - started:.1f} s -> {coords.shape}")


if __name__ == "__main__":
    main()
