"""The map at 10,000 tracks, end to end in the real database: compute (read embeddings, UMAP, moods,
save) and serve (points.json, a lasso). Slow by nature; its figures go to var/artefacts/ and are quoted
in docs/benchmarks.md. Opt-in, as it takes minutes of CPU:

    MOODMIX_MAP_BENCH_TRACKS=10000 .venv/bin/python -m pytest tests/explore/test_music_map_10k.py -s
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from recommender.explore.music_map import compute_map
from tests.explore.catalogue import MODEL_VERSION, build_catalogue

N_TRACKS = int(os.environ.get("MOODMIX_MAP_BENCH_TRACKS", "0"))
REPORT = Path(__file__).resolve().parents[2] / "var" / "artefacts" / "music-map-10k.json"
MOODS = ["calm", "energetic", "sad", "happy", "dark", "romantic", "dreamy", "groovy", "tense", "aggressive"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.slow
@pytest.mark.skipif(not N_TRACKS, reason="benchmark: set MOODMIX_MAP_BENCH_TRACKS=10000 to run")
def test_map_of_ten_thousand_tracks(client, db):
    started = time.perf_counter()
    build_catalogue(N_TRACKS, MOODS)
    built = time.perf_counter() - started

    started = time.perf_counter()
    music_map = compute_map(MODEL_VERSION)
    computed = time.perf_counter() - started
    assert music_map.layout == "umap" and music_map.track_count == N_TRACKS

    started = time.perf_counter()
    response = client.get("/map/points.json")
    served = time.perf_counter() - started
    assert response.status_code == 200 and len(response.json()["points"]) == N_TRACKS

    started = time.perf_counter()
    region = client.post(
        "/map/region.json",
        {"polygon": [[0, 0], [0.5, 0], [0.5, 0.5], [0, 0.5]]},
        content_type="application/json",
    )
    lasso = time.perf_counter() - started
    assert region.status_code == 200

    figures = {
        "tracks": N_TRACKS,
        "build_rows_s": round(built, 1),
        "compute_map_s": round(computed, 1),
        "points_json_s": round(served, 2),
        "points_json_bytes": len(response.content),
        "region_s": round(lasso, 2),
        "region_tracks": len(region.json()["tracks"]),
        "cpus": os.cpu_count(),
        "load": round(os.getloadavg()[0], 1),
    }
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(figures, indent=2))
    print(figures)
