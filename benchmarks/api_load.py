"""Load run of the partner API against gunicorn on loopback: requests/s, p50/p95/p99 and errors.

What it does, bounded in time and in requests:

1. seeds a catalogue of ``--tracks`` analysed public tracks (default 10,000: embeddings in 40 clusters, so
   neighbours are meaningful) into its own database ``moodmix_bench_api`` of the embedded PostgreSQL (never
   the demo's); a catalogue of the right size is reused on the next run;
2. creates a partner key with a rate limit the run cannot reach;
3. starts ``gunicorn recommender.wsgi`` on 127.0.0.1 (``--workers``, ``--threads``);
4. runs ``--clients`` concurrent clients (each a keep-alive HTTP connection in a thread, spread over
   ``--processes`` processes so the load generator is not one GIL) for ``--duration`` seconds or
   ``--max-requests`` requests, after ``--warmup`` seconds that are not counted;
5. prints the figures and writes them as JSON to ``var/benchmarks/api_load-<endpoint>.json``.

Endpoints (``--endpoint``): ``similar`` = ``GET /tracks/{id}/similar?k=10`` on random tracks (the issue's
target: 0 errors and p95 <= 100 ms at 20 clients), ``track`` = ``GET /tracks/{id}``, ``features`` =
``GET /audio-features/{id}``, ``recommendations`` = ``GET /recommendations?families=<random family>&limit=20``
(the playlist service over the score table, which the seeding fills with cluster mood/genre scores).
Usage:

    .venv/bin/python benchmarks/api_load.py [--tracks 10000] [--clients 20] [--duration 30]
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE = "moodmix_bench_api"
BENCH_VERSION = "moodmix-bench-api"
ENDPOINTS = {
    "similar": "/api/v1/tracks/{id}/similar?k=10",
    "track": "/api/v1/tracks/{id}",
    "features": "/api/v1/audio-features/{id}",
    "recommendations": "/api/v1/recommendations?families={family}&limit=20",
}
FAMILIES = ("joyful", "powerful", "tense", "aggressive", "dark", "sad", "tender", "calm", "dreamy", "groovy")


def configure_environment() -> None:
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    os.environ["DJANGO_SETTINGS_MODULE"] = "recommender.settings"
    os.environ["MOODMIX_DATABASE_NAME"] = DATABASE
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("MOODMIX_HTTPS", "0")  # plain HTTP on loopback, as `make serve` runs it


def seed(n_tracks: int) -> tuple[list[int], str]:
    """Set Django up on the bench database, migrate it and seed it (:func:`seed_catalogue`)."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return seed_catalogue(n_tracks)


def seed_catalogue(n_tracks: int) -> tuple[list[int], str]:
    """The ids of an ``n_tracks`` analysed public catalogue (created or reused) and a fresh partner key."""
    import numpy as np
    from django.db import connection
    from django.utils import timezone

    from catalog.choices import TrackStatus, Visibility
    from catalog.models import Artist, Track, TrackAnalysis, TrackEmbedding
    from recommender.api.models import Partner
    from recommender.api.services.keys import create_partner, issue_key

    existing = Track.objects.filter(embedding__model_version=BENCH_VERSION).count()
    if existing != n_tracks:
        print(f"seeding {n_tracks} tracks into {connection.settings_dict['NAME']} ...", flush=True)
        Track.objects.all().delete()
        Artist.objects.filter(slug__startswith="bench-").delete()
        artists = Artist.objects.bulk_create(
            [Artist(name=f"Bench Artist {i}", slug=f"bench-{i}") for i in range(n_tracks // 10)]
        )
        rng = np.random.default_rng(0)
        centres = rng.standard_normal((40, 128))
        now = timezone.now()
        for start in range(0, n_tracks, 2000):
            count = min(2000, n_tracks - start)
            tracks = Track.objects.bulk_create(
                [
                    Track(
                        title=f"Bench Track {start + i}",
                        artist=artists[(start + i) % len(artists)],
                        audio_file=f"tracks/bench/{start + i}.flac",
                        original_filename=f"{start + i}.flac",
                        content_sha256=f"{start + i:064x}",
                        size_bytes=1,
                        format="flac",
                        duration_s=180.0,
                        status=TrackStatus.ANALYZED,
                        visibility=Visibility.PUBLIC,
                        analyzed_at=now,
                    )
                    for i in range(count)
                ]
            )
            vectors = centres[rng.integers(0, 40, count)] + 0.6 * rng.standard_normal((count, 128))
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            TrackEmbedding.objects.bulk_create(
                [
                    TrackEmbedding(track=t, vector=v.tolist(), model_version=BENCH_VERSION)
                    for t, v in zip(tracks, vectors, strict=True)
                ]
            )
            TrackAnalysis.objects.bulk_create(
                [
                    TrackAnalysis(
                        track=t,
                        model_version=BENCH_VERSION,
                        speech_probability=0.01,
                        is_speech=False,
                        valence=0.0,
                        arousal=0.0,
                        uncertainty=0.5,
                        duration_s=180.0,
                        timeline={"moods": [], "windows": []},
                        analysed_at=now,
                    )
                    for t in tracks
                ]
            )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    seed_scores(BENCH_VERSION)
    partner = Partner.objects.filter(name="Load Bench").first() or create_partner("Load Bench")
    key = issue_key(partner, name="load run", scopes=["catalog:read", "playlists"], rate_limit=10**9)
    ids = list(Track.objects.filter(embedding__model_version=BENCH_VERSION).values_list("pk", flat=True))
    return ids, key.secret


def seed_scores(version: str) -> None:
    """Score rows (what recommendations rank by) for the bench tracks that lack one: each embedding
    cluster gets a mood family and a genre, so a family request has ~1/10 of the catalogue to choose from.
    Written straight into the score table, as the analysis' refresh would."""
    import numpy as np

    from catalog.models import Track
    from recommender.models import TrackScores
    from recommender.services.layout import layout
    from recommender.services.scores import bump_generation

    bench = Track.objects.filter(embedding__model_version=version, scores__isnull=True)
    missing = list(bench.values_list("pk", flat=True))
    if not missing:
        return
    lay = layout()
    rng = np.random.default_rng(1)
    rows = []
    for track_id in missing:
        family = track_id % len(lay.families)
        moods = rng.uniform(0.02, 0.2, len(lay.moods)).astype("<f4")
        moods[[i for i, f in enumerate(lay.mood_family) if f == family]] = rng.uniform(0.6, 0.95)
        genres = rng.uniform(0.02, 0.2, len(lay.genres)).astype("<f4")
        genres[family % len(lay.genres)] = 0.8
        valence, arousal = np.clip(lay.family_va[family] + rng.normal(0, 0.1, 2), -1, 1)
        rows.append(
            TrackScores(
                track_id=track_id,
                model_version=version,
                moods=moods.tobytes(),
                genres=genres.tobytes(),
                valence=float(valence),
                arousal=float(arousal),
                tempo_bpm=float(80 + 50 * (arousal + 1)),
                key_index=int(rng.integers(12)),
                minor=bool(valence < 0),
                is_speech=False,
            )
        )
    TrackScores.objects.bulk_create(rows, batch_size=2000)
    bump_generation({version})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, workers: int, threads: int, log: Path, keepalive: int = 2) -> subprocess.Popen:
    """``gunicorn recommender.wsgi`` on 127.0.0.1:``port`` with this process's environment, once it
    answers ``/healthz``. ``keepalive``: seconds an idle keep-alive connection is held (gunicorn's
    default 2; clients that pause between requests need more, as a proxy in front would give them)."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "recommender.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--backlog",
        "256",
        "--keep-alive",
        str(keepalive),
        "--preload",  # import Django (and torch, via the catalogue app) once, before forking the workers
        "--log-level",
        "warning",
    ]
    out = log.open("w")
    server = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log.read_text()}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.5)
    server.terminate()
    raise RuntimeError("gunicorn did not answer /healthz within 180 s")


def stop_gunicorn(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=40)  # gunicorn's graceful stop waits up to 30 s for busy threads
    except subprocess.TimeoutExpired:
        server.kill()


def run_client_processes(target, jobs: list[tuple], timeout_s: float) -> list:
    """``target(job, ready, results)`` in one spawned process per job, started together (``ready`` is a
    barrier of all of them); returns what each put on ``results``."""
    context = multiprocessing.get_context("spawn")
    ready, queue = context.Barrier(len(jobs)), context.Queue()
    processes = [context.Process(target=target, args=(job, ready, queue)) for job in jobs]
    for process in processes:
        process.start()
    results = [queue.get(timeout=timeout_s) for _ in processes]
    for process in processes:
        process.join()
    return results


def split(total: int, parts: int) -> list[int]:
    """``total`` clients over ``parts`` processes, as evenly as possible."""
    return [total // parts + (i < total % parts) for i in range(parts)]


def client_process(args: tuple, ready, results) -> None:
    """``threads`` keep-alive clients, started together with the other processes (``ready`` barrier):
    puts on ``results`` the latencies (s) of requests started after the warm-up, the error count and a
    few error samples."""
    port, key, path, ids, threads, warmup_s, duration_s, max_requests, seed_value = args
    ready.wait()
    count_from = time.time() + warmup_s
    stop_at = count_from + duration_s
    latencies: list[float] = []
    errors = [0]
    samples: list[str] = []
    lock = threading.Lock()
    budget = [max_requests]

    def run(thread_seed: int) -> None:
        rng = random.Random(thread_seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Authorization": f"Bearer {key}"}
        while time.time() < stop_at:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            url = path.format(id=rng.choice(ids), family=rng.choice(FAMILIES))
            started = time.time()
            try:
                conn.request("GET", url, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
                detail = f"HTTP {response.status} {url}"
            except (OSError, http.client.HTTPException) as exc:
                ok, detail = False, f"{type(exc).__name__}: {exc}"
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            elapsed = time.time() - started
            if started >= count_from:
                with lock:
                    latencies.append(elapsed)
                    if not ok:
                        errors[0] += 1
                        if len(samples) < 5:
                            samples.append(detail)
        conn.close()

    workers = [threading.Thread(target=run, args=(seed_value * 1000 + i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    results.put((latencies, errors[0], samples, count_from, min(time.time(), stop_at)))


def percentile(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=1000, method="inclusive")[round(q * 10) - 1]
        if len(values) > 1
        else 0.0
    )


def latency_summary(latencies: list[float], errors: int, measured_s: float) -> dict:
    """Requests, requests/s over ``measured_s``, p50/p95/p99/max in ms, and ``errors``."""
    return {
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / measured_s, 1) if measured_s > 0 else 0.0,
        "p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "p95_ms": round(percentile(latencies, 95) * 1000, 1),
        "p99_ms": round(percentile(latencies, 99) * 1000, 1),
        "max_ms": round(max(latencies, default=0.0) * 1000, 1),
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tracks", type=int, default=10_000)
    parser.add_argument("--endpoint", choices=sorted(ENDPOINTS), default="similar")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--processes", type=int, default=2, help="client processes sharing the clients")
    parser.add_argument("--duration", type=float, default=30.0, help="measured seconds (after warm-up)")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--max-requests", type=int, default=30_000, help="cap over the whole run")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    args = parser.parse_args()

    configure_environment()
    ids, key = seed(args.tracks)
    out_dir = ROOT / "var" / "benchmarks"
    out_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    server = start_gunicorn(port, args.workers, args.threads, out_dir / "api_load-gunicorn.log")
    try:
        per_process = split(args.clients, args.processes)
        jobs = [
            (
                port,
                key,
                ENDPOINTS[args.endpoint],
                ids,
                n,
                args.warmup,
                args.duration,
                args.max_requests // args.processes,
                i,
            )
            for i, n in enumerate(per_process)
            if n
        ]
        results = run_client_processes(client_process, jobs, args.warmup + args.duration + 120)
        measured_s = max(r[4] for r in results) - min(r[3] for r in results)
    finally:
        stop_gunicorn(server)
    latencies = [lat for result in results for lat in result[0]]
    errors = sum(result[1] for result in results)
    samples = [s for result in results for s in result[2]][:5]
    report = {
        "endpoint": f"GET {ENDPOINTS[args.endpoint]}",
        "tracks": len(ids),
        "clients": args.clients,
        "gunicorn": f"{args.workers} workers x {args.threads} threads (gthread)",
        "cpu_count": os.cpu_count(),
        "measured_s": round(measured_s, 1),
        **latency_summary(latencies, errors, measured_s),
        "error_samples": samples,
    }
    (out_dir / f"api_load-{args.endpoint}.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
