"""How fast a 30-track playlist is generated at 10k and 100k tracks, per strategy (p50/p95).

Each size lives in its own database of the embedded PostgreSQL (``moodmix_bench_10000``, ...), filled
once with a synthetic catalogue and kept for later runs: tracks by 1 artist per 20 tracks, each made in
one mood family (its moods score 0.6-0.95, the rest 0.02-0.2), valence/arousal near the family's
centroid, tempo from arousal, a key, and a 128-d embedding = the family's direction + noise, written to
the real tables the playlists read (``catalog_track``, ``catalog_trackembedding`` with its HNSW index,
``recommender_trackscores``). A listener with 20 likes has a profile for the personalised runs.

What is timed is ``generate()`` end to end as a page calls it: the snapshot's generation check, profile
and feedback queries, numpy scoring, the similarity facade (seeds, taste), the database check of the
candidate pool, MMR sequencing and reasons. The first, cold call (which loads the snapshot) is reported
apart. "cpu p95" is this process's CPU time per call (numpy, Django, psycopg; not PostgreSQL's own work
and not time spent waiting for a CPU): on a loaded machine it shows what the code costs. Usage:

    .venv/bin/python benchmarks/playlists.py [--sizes 10000 100000] [--runs 40]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VERSION = "bench-v1"
LENGTH = 30


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: run one size in this process
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_size(args.one, args.runs)))
        return
    results = []
    for size in args.sizes:
        env = {
            **os.environ,
            "MOODMIX_DATABASE_NAME": f"moodmix_bench_{size}",
            "DJANGO_SETTINGS_MODULE": "recommender.settings",
        }
        env.setdefault("SECRET_KEY", "moodmix-benchmark-only")
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(size), "--runs", str(args.runs)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print_table(results)


def print_table(results: list[dict]) -> None:
    print(f"load average at the start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(
        f"{'tracks':>8}  {'strategy':<28} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'len':>4} {'cpu p95':>8}"
    )
    for result in results:
        print(f"{result['size']:>8}  {'(cold: snapshot load)':<28} {result['cold_ms']:>8.1f}")
        for name, row in result["strategies"].items():
            figures = f"{row['p50']:>8.1f} {row['p95']:>8.1f} {row['max']:>8.1f} {row['length']:>4}"
            figures += f" {row.get('cpu_p95', float('nan')):>8.1f}"
            print(f"{result['size']:>8}  {name:<28} {figures}")


def run_size(size: int, runs: int) -> dict:
    import django

    django.setup()
    import numpy as np
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    user, seeds = populate(size)

    from recommender.services.playlists import PlaylistRequest, generate
    from recommender.services.playlists.snapshot import _cache

    requests = {
        "mood (calm)": PlaylistRequest(moods={"calm": 1.0}, length=LENGTH, personalise=False),
        "mood + style sliders": PlaylistRequest(
            moods={"calm": 0.7, "dreamy": 0.4},
            genres={"ambient": 0.6, "jazz": 0.3},
            length=LENGTH,
            personalise=False,
        ),
        "mood (valence/arousal point)": PlaylistRequest(point=(0.4, -0.5), length=LENGTH, personalise=False),
        "seed (2 tracks)": PlaylistRequest(
            strategy="seed", seeds=tuple(seeds[:2]), length=LENGTH, personalise=False
        ),
        "journey tense->calm": PlaylistRequest(
            strategy="journey", journey_from="tense", journey_to="calm", length=LENGTH, personalise=False
        ),
        "mood, personalised": PlaylistRequest(moods={"calm": 1.0}, length=LENGTH),
        "journey, personalised": PlaylistRequest(
            strategy="journey", journey_from="tense", journey_to="calm", length=LENGTH
        ),
    }
    _cache.clear()
    start = time.perf_counter()
    generate(requests["mood (calm)"], user)
    cold_ms = (time.perf_counter() - start) * 1000
    strategies = {}
    for name, request in requests.items():
        for _ in range(3):
            generate(request, user)
        times, cpu, length = [], [], 0
        for _ in range(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            playlist = generate(request, user)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            length = len(playlist.items)
        strategies[name] = {
            "p50": float(np.percentile(times, 50)),
            "p95": float(np.percentile(times, 95)),
            "max": float(max(times)),
            "cpu_p95": float(np.percentile(cpu, 95)),
            "length": length,
        }
    return {"size": size, "cold_ms": cold_ms, "strategies": strategies}


def populate(size: int):
    """Fill this size's database once (idempotent: an existing catalogue of the right size is reused)."""
    import numpy as np
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from catalog.choices import TrackStatus, Visibility
    from catalog.models import Artist, Track, TrackEmbedding
    from recommender.models import EventKind, ListeningEvent, TrackScores
    from recommender.services.layout import layout
    from recommender.services.profiles.accumulate import rebuild_profile
    from recommender.services.scores import bump_generation, key_position

    user, _ = get_user_model().objects.get_or_create(username="bench-listener")
    if TrackScores.objects.filter(model_version=VERSION).count() != size:
        lay = layout()
        rng = np.random.default_rng(size)
        n_fam = len(lay.families)
        directions = rng.standard_normal((n_fam, 128))
        family = rng.integers(n_fam, size=size)
        moods = rng.uniform(0.02, 0.2, size=(size, len(lay.moods))).astype("<f4")
        for f in range(n_fam):
            rows, cols = np.flatnonzero(family == f), np.flatnonzero(lay.mood_family == f)
            moods[np.ix_(rows, cols)] = rng.uniform(0.6, 0.95, size=(len(rows), len(cols)))
        genres = rng.uniform(0.02, 0.2, size=(size, len(lay.genres))).astype("<f4")
        genres[np.arange(size), family % len(lay.genres)] = rng.uniform(0.6, 0.9, size=size)
        va = np.clip(lay.family_va[family] + rng.normal(0, 0.12, size=(size, 2)), -1, 1)
        embeddings = directions[family] + rng.standard_normal((size, 128)) * 0.8
        embeddings /= np.linalg.norm(embeddings, axis=1, keepdims=True)
        keys = ["C", "G", "D", "A", "E", "B", "F#", "C#", "G#", "D#", "A#", "F"]
        now = timezone.now()
        with transaction.atomic():
            Track.objects.all().delete()
            Artist.objects.all().delete()
            artists = Artist.objects.bulk_create(
                Artist(name=f"Bench artist {i}", slug=f"bench-artist-{i}") for i in range(max(size // 20, 1))
            )
            tracks = Track.objects.bulk_create(
                (
                    Track(
                        title=f"Bench {lay.families[family[i]]} {i}",
                        artist=artists[int(rng.integers(len(artists)))],
                        audio_file=f"tracks/bench/{i}.wav",
                        original_filename=f"{i}.wav",
                        content_sha256=hashlib.sha256(f"bench-{size}-{i}".encode()).hexdigest(),
                        size_bytes=1,
                        format="wav",
                        duration_s=float(rng.uniform(120, 360)),
                        # 2 % private to another owner, so the visibility mask and checks do real work
                        visibility=Visibility.PRIVATE if i % 50 == 0 else Visibility.PUBLIC,
                        status=TrackStatus.ANALYZED,
                        analyzed_at=now,
                    )
                    for i in range(size)
                ),
                batch_size=5000,
            )
            with connection.cursor() as cursor:
                cursor.execute("DROP INDEX IF EXISTS catalog_embedding_hnsw")
            TrackEmbedding.objects.bulk_create(
                (
                    TrackEmbedding(track=t, vector=embeddings[i].astype(np.float32), model_version=VERSION)
                    for i, t in enumerate(tracks)
                ),
                batch_size=2000,
            )
            TrackScores.objects.bulk_create(
                (
                    TrackScores(
                        track=t,
                        model_version=VERSION,
                        moods=moods[i].tobytes(),
                        genres=genres[i].tobytes(),
                        valence=float(va[i, 0]),
                        arousal=float(va[i, 1]),
                        tempo_bpm=float(80 + 50 * (va[i, 1] + 1)),
                        key_index=key_position(keys[i % 12], "major"),
                        minor=False,
                        is_speech=i % 97 == 0,
                    )
                    for i, t in enumerate(tracks)
                ),
                batch_size=5000,
            )
            bump_generation({VERSION})
            ListeningEvent.objects.filter(user=user).delete()
            liked = [
                t.pk for i, t in enumerate(tracks[:5000]) if family[i] == lay.family_index["calm"] and i % 50
            ][:20]
            ListeningEvent.objects.bulk_create(
                ListeningEvent(user=user, track_id=t, kind=EventKind.LIKE) for t in liked
            )
            ListeningEvent.objects.bulk_create(
                ListeningEvent(user=user, track_id=t, kind=EventKind.DISLIKE) for t in liked[:3]
            )
        with connection.cursor() as cursor:  # outside the load's transaction: no pending FK triggers
            cursor.execute(
                "CREATE INDEX catalog_embedding_hnsw ON catalog_trackembedding "
                "USING hnsw (vector vector_cosine_ops) WITH (m = 16, ef_construction = 64)"
            )
            cursor.execute("ANALYZE")
        rebuild_profile(user.pk)
    calm = layout().family_index["tender"]
    seeds = [
        t
        for t, m in TrackScores.objects.filter(model_version=VERSION, track__visibility="public").values_list(
            "track_id", "moods"
        )[:500]
        if int(np.argmax(layout().family_scores(np.frombuffer(bytes(m), dtype="<f4"))[0])) == calm
    ]
    return user, seeds


if __name__ == "__main__":
    main()
