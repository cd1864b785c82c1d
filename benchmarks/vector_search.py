"""Vector search at catalogue scale: exact numpy, pgvector HNSW (ORM facade and raw SQL) and Annoy.

For each size (default 10k and 100k; add 1000000 for the million) it generates a synthetic clustered
catalogue of unit vectors of the production dimension (128), loads it into a dedicated database
(``moodmix_bench`` on the embedded server: tracks, embeddings and one mood tag per track), builds the
HNSW index and an Annoy file, and measures on held-out query vectors, in one run:

- build time, memory and disk size of each index;
- recall@10 against exact search over the same rows, queries/s and p50/p95 latency of one query
  stream, for exact numpy, pgvector through the facade's ORM query (``similarity_pgvector``, with the
  visibility join, model version, ``SET LOCAL`` per query) and through raw SQL, and Annoy in process,
  each at several accuracy settings (``hnsw.ef_search``, Annoy ``search_k``);
- the facade's Annoy path end to end (file + the database corrections);
- filtered queries (a mood family kept by 10% of tracks, assigned at random, so the filter does not
  follow the clusters: the hard case): recall@10 against exact filtered search, latency, and how
  often fewer than k rows come back, with iterative scans off (plain post-filtering), off with a large
  ``ef_search`` (over-fetch), and ``strict_order`` iterative scans.

The generator: ``n / 100`` cluster centres drawn on the sphere; each cluster spans its own random
16-dimensional subspace, points = centre + subspace noise + a little isotropic noise, normalised. Real
embeddings are like that (a low intrinsic dimension around style clusters); uniform noise in 128-d is
not, and no index does well on it. Usage (2 cores: expect ~3 min for 100k, most of an hour for 1M):

    DEBUG=1 .venv/bin/python benchmarks/vector_search.py [--sizes 10000 100000] [--queries 300]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one query stream: BLAS threads only fight the other processes
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recommender.settings")
os.environ.setdefault("MOODMIX_DATABASE_NAME", "moodmix_bench")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from pgvector.psycopg import register_vector  # noqa: E402

from catalog.models import Mood, MoodLevel  # noqa: E402
from ml.index import ExactIndex, build_index  # noqa: E402
from recommender.services.similarity_filters import SimilarityFilters  # noqa: E402
from recommender.services.similarity_pgvector import pgvector_neighbours  # noqa: E402

DIM = 128
K = 10
MODEL_VERSION = "bench-v1"
FAMILY_SHARE = 0.10
PRIVATE_SHARE = 0.02
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 64


GENERATORS = {"moderate": (0.25, 0.02), "hard": (0.9, 0.05)}
"""(subspace spread, isotropic noise) per generator; see the module docs."""


def clustered(
    n: int, queries: int, seed: int = 0, generator: str = "moderate"
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` catalogue vectors and ``queries`` held-out ones from the same clusters (unit length)."""
    spread, noise = GENERATORS[generator]
    rng = np.random.default_rng(seed)
    clusters = max(10, n // 100)
    centres = rng.normal(size=(clusters, DIM)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    bases = rng.normal(size=(clusters, 16, DIM)).astype(np.float32) / np.sqrt(DIM)

    def draw(count: int) -> np.ndarray:
        out = np.empty((count, DIM), dtype=np.float32)
        for start in range(0, count, 100_000):
            size = min(100_000, count - start)
            labels = rng.integers(0, clusters, size=size)
            z = rng.normal(size=(size, 16)).astype(np.float32) * spread
            v = centres[labels] + np.einsum("nk,nkd->nd", z, bases[labels])
            v += noise * rng.normal(size=(size, DIM)).astype(np.float32)
            out[start : start + size] = v / np.linalg.norm(v, axis=1, keepdims=True)
        return out

    return draw(n), draw(queries)


def timed(fn: Callable[[np.ndarray], list[int]], queries: np.ndarray) -> tuple[list[list[int]], dict]:
    for q in queries[:10]:  # warm caches and prepared statements
        fn(q)
    results, times = [], []
    for q in queries:
        t = time.perf_counter()
        results.append(fn(q))
        times.append(time.perf_counter() - t)
    ms = np.array(times) * 1000
    return results, {
        "qps": round(len(ms) / (ms.sum() / 1000), 1),
        "p50_ms": round(float(np.percentile(ms, 50)), 3),
        "p95_ms": round(float(np.percentile(ms, 95)), 3),
    }


def recall(results: list[list[int]], truth: np.ndarray) -> tuple[float, float]:
    """Mean recall@k, and the share of queries that returned fewer than k."""
    hits = [len(set(r[:K]) & set(t.tolist())) / K for r, t in zip(results, truth, strict=True)]
    short = sum(len(r) < K for r in results) / len(results)
    return round(float(np.mean(hits)), 4), round(short, 4)


def raw_conninfo() -> str:
    s = connection.settings_dict
    return f"dbname={s['NAME']} user={s['USER']} host={s['HOST']}" + (
        f" port={s['PORT']}" if s["PORT"] else ""
    )


def load(
    conn: psycopg.Connection, vectors: np.ndarray, family_mood: int, other_mood: int, owner: int
) -> dict:
    """Replace the bench catalogue with ``vectors``: tracks, embeddings, one model mood row each."""
    n = len(vectors)
    rng = np.random.default_rng(1)
    private = rng.random(n) < PRIVATE_SHARE
    in_family = rng.random(n) < FAMILY_SHARE
    clock = time.perf_counter()
    with conn.cursor() as cur:
        cur.execute("TRUNCATE catalog_track, catalog_artist RESTART IDENTITY CASCADE")
        cur.execute("DROP INDEX IF EXISTS catalog_embedding_hnsw")
        cur.execute(
            "INSERT INTO catalog_artist (id, name, slug, created) SELECT g, 'Artist ' || g, 'artist-' || g, "
            "now() FROM generate_series(1, 1000) g"
        )
        buf = io.StringIO()
        stamp = django.utils.timezone.now().isoformat()
        for i in range(n):
            vis = "private" if private[i] else "public"
            own = str(owner) if private[i] else r"\N"
            buf.write(
                f"{i + 1}\tTrack {i + 1}\t{i % 1000 + 1}\t\t\ttracks/x/{i}.wav\t{i}.wav\t{i:064x}\t1\twav\t"
                f"180\t{own}\t{vis}\tanalyzed\t\t\t0\t[]\t{stamp}\t{stamp}\n"
            )
        buf.seek(0)
        with cur.copy(
            "COPY catalog_track (id, title, artist_id, album, genre_tag, audio_file, original_filename, "
            "content_sha256, size_bytes, format, duration_s, owner_id, visibility, status, error_code, "
            "error_detail, analysis_attempts, waveform, created, updated) FROM STDIN"
        ) as copy:
            while chunk := buf.read(1 << 20):
                copy.write(chunk)
        del buf
        with cur.copy(
            "COPY catalog_trackembedding (track_id, vector, model_version, embedded_at) FROM STDIN "
            "(FORMAT BINARY)"
        ) as copy:
            copy.set_types(["bigint", "vector", "varchar", "timestamptz"])
            now = django.utils.timezone.now()
            for i in range(n):
                copy.write_row((i + 1, vectors[i], MODEL_VERSION, now))
        with cur.copy(
            "COPY catalog_trackmood (track_id, mood_id, source, score, verdict, model_version, created, "
            "updated) FROM STDIN"
        ) as copy:
            for i in range(n):
                mood = family_mood if in_family[i] else other_mood
                copy.write(f"{i + 1}\t{mood}\tmodel\t0.9\t\t{MODEL_VERSION}\t2026-01-01\t2026-01-01\n")
        cur.execute("SELECT setval('catalog_track_id_seq', %s)", [n])
    conn.commit()
    loaded_s = time.perf_counter() - clock
    with conn.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '2GB'")
        cur.execute("SET max_parallel_maintenance_workers = 1")
        clock = time.perf_counter()
        cur.execute(
            "CREATE INDEX catalog_embedding_hnsw ON catalog_trackembedding "
            "USING hnsw (vector vector_cosine_ops) "
            f"WITH (m = {HNSW_M}, ef_construction = {HNSW_EF_CONSTRUCTION})"
        )
        hnsw_s = time.perf_counter() - clock
        conn.commit()
        conn.autocommit = True
        for table in ("catalog_track", "catalog_trackembedding", "catalog_trackmood"):
            cur.execute(f"VACUUM ANALYZE {table}")
        conn.autocommit = False
        cur.execute(
            "SELECT pg_relation_size('catalog_embedding_hnsw'),"
            " pg_total_relation_size('catalog_trackembedding')"
        )
        index_bytes, table_bytes = cur.fetchone()
    conn.commit()
    return {
        "load_s": round(loaded_s, 1),
        "hnsw_build_s": round(hnsw_s, 1),
        "hnsw_index_mb": round(index_bytes / 2**20, 1),
        "embedding_table_mb": round(table_bytes / 2**20, 1),
        "hnsw_params": {"m": HNSW_M, "ef_construction": HNSW_EF_CONSTRUCTION, "maintenance_work_mem": "2GB"},
        "visible": ~private,
        "in_family": in_family,
    }


def build_annoy_in_child(vectors: np.ndarray, directory: Path, n_trees: int) -> dict:
    """Build in a forked child so its peak RSS is the build's own (the parent holds the vectors)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        clock = time.perf_counter()
        build_index("annoy", enumerate(vectors, start=1), directory, DIM, n_trees=n_trees, n_jobs=1)
        seconds = time.perf_counter() - clock
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        os.write(write, json.dumps({"build_s": round(seconds, 1), "peak_rss_mb": round(peak, 1)}).encode())
        os._exit(0)
    os.close(write)
    data = b""
    while chunk := os.read(read, 4096):
        data += chunk
    os.waitpid(pid, 0)
    stats = json.loads(data)
    stats["file_mb"] = round((directory / "index.ann").stat().st_size / 2**20, 1)
    return stats


def measure_halfvec(conn: psycopg.Connection, record, truth) -> dict:
    """The same HNSW index over half-precision copies of the vectors (an expression index): its size,
    build time and recall, to decide whether ``halfvec`` storage keeps recall."""
    with conn.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '2GB'")
        cur.execute("SET max_parallel_maintenance_workers = 1")
        clock = time.perf_counter()
        cur.execute(
            "CREATE INDEX bench_halfvec_hnsw ON catalog_trackembedding "
            f"USING hnsw ((vector::halfvec({DIM})) halfvec_cosine_ops) "
            f"WITH (m = {HNSW_M}, ef_construction = {HNSW_EF_CONSTRUCTION})"
        )
        seconds = time.perf_counter() - clock
        conn.commit()
        cur.execute("SELECT pg_relation_size('bench_halfvec_hnsw')")
        size = cur.fetchone()[0]
        sql = (
            f"SELECT track_id FROM catalog_trackembedding ORDER BY vector::halfvec({DIM}) <=> "
            f"%s::vector::halfvec({DIM}) LIMIT 10"
        )
        for ef in (20, 40, 100):
            cur.execute(f"SET hnsw.ef_search = {ef}")

            def raw(q, cur=cur):
                cur.execute(sql, [q], prepare=True)
                return [row[0] for row in cur.fetchall()]

            record("pgvector raw SQL, halfvec", f"ef_search={ef}", raw, truth)
        cur.execute("DROP INDEX bench_halfvec_hnsw")
    conn.commit()
    return {"build_s": round(seconds, 1), "index_mb": round(size / 2**20, 1)}


def run_size(n: int, n_queries: int, annoy_trees: int, generator: str, halfvec: bool = False) -> dict:
    vectors, queries = clustered(n, n_queries, generator=generator)
    report: dict = {"n": n, "dim": DIM, "queries": n_queries, "k": K, "generator": generator}
    User = get_user_model()
    listener, _ = User.objects.get_or_create(username="bench-listener")
    owner, _ = User.objects.get_or_create(username="bench-owner")
    family = Mood.objects.filter(level=MoodLevel.FAMILY).order_by("pk").first()
    family_mood = Mood.objects.filter(parent=family, level=MoodLevel.MOOD).order_by("pk").first()
    other_mood = Mood.objects.filter(level=MoodLevel.MOOD).exclude(parent=family).order_by("pk").first()

    with psycopg.connect(raw_conninfo()) as conn:
        register_vector(conn)
        loaded = load(conn, vectors, family_mood.pk, other_mood.pk, owner.pk)
        visible, in_family = loaded.pop("visible"), loaded.pop("in_family")
        report["pgvector_build"] = loaded
        print(f"[{n}] loaded {loaded}", flush=True)

        # Ground truth: exact search over the rows each query may return (track id = row + 1).
        ids = np.arange(1, n + 1)
        exact_all = ExactIndex(vectors, _idmap(ids))
        exact_visible = ExactIndex(vectors[visible], _idmap(ids[visible]))
        exact_family = ExactIndex(vectors[visible & in_family], _idmap(ids[visible & in_family]))
        truth_all = np.vstack(
            [exact_all.search_batch(queries[i : i + 50], K) for i in range(0, n_queries, 50)]
        )
        truth_visible = np.vstack(
            [exact_visible.search_batch(queries[i : i + 50], K) for i in range(0, n_queries, 50)]
        )
        sims = np.sort(queries[:50] @ vectors.T, axis=1)[:, ::-1]
        report["data"] = {
            "mean_cos_1st_neighbour": round(float(sims[:, 0].mean()), 3),
            "mean_cos_10th_neighbour": round(float(sims[:, 9].mean()), 3),
            "mean_cos_100th_neighbour": round(float(sims[:, 99].mean()), 3),
        }
        print(f"[{n}] data {report['data']}", flush=True)
        truth_family = np.vstack(
            [exact_family.search_batch(queries[i : i + 50], K) for i in range(0, n_queries, 50)]
        )
        rows = []

        def record(method: str, setting: str, fn, truth) -> None:
            results, stats = timed(fn, queries)
            r, short = recall(results, truth)
            rows.append({"method": method, "setting": setting, "recall@10": r, "short_share": short, **stats})
            print(f"[{n}] {method:28s} {setting:26s} recall {r:.3f} short {short:.3f} {stats}", flush=True)

        record("exact numpy", "-", lambda q: exact_all.search(q, K).ids.tolist(), truth_all)

        with conn.cursor() as cur:
            sql = "SELECT track_id FROM catalog_trackembedding ORDER BY vector <=> %s LIMIT 10"
            for ef in (20, 40, 100):
                cur.execute(f"SET hnsw.ef_search = {ef}")

                def raw(q, cur=cur):
                    cur.execute(sql, [q], prepare=True)
                    return [row[0] for row in cur.fetchall()]

                record("pgvector raw SQL", f"ef_search={ef}", raw, truth_all)
        conn.rollback()
        if halfvec:
            report["halfvec"] = measure_halfvec(conn, record, truth_all)

        for ef in (20, 40, 100):
            record(
                "pgvector ORM (facade)",
                f"ef_search={ef}",
                lambda q, ef=ef: _ids(
                    pgvector_neighbours(
                        q,
                        user=listener,
                        model_version=MODEL_VERSION,
                        k=K,
                        filters=SimilarityFilters(),
                        ef_search=ef,
                    )
                ),
                truth_visible,
            )

        family_filter = SimilarityFilters(mood_family_ids=frozenset({family.pk}))
        for label, ef, iterative in (
            ("iterative off, ef=100", 100, False),
            ("iterative off, ef=1000", 1000, False),
            ("relaxed_order, ef=100", 100, True),
            ("relaxed_order, ef=1000 (default)", 1000, True),
        ):
            record(
                "pgvector ORM, 10% family",
                label,
                lambda q, ef=ef, iterative=iterative: _ids(
                    pgvector_neighbours(
                        q,
                        user=listener,
                        model_version=MODEL_VERSION,
                        k=K,
                        filters=family_filter,
                        ef_search=ef,
                        iterative=iterative,
                        exact_fallback=False,
                    )
                ),
                truth_family,
            )

    with tempfile.TemporaryDirectory(dir=Path(__file__).resolve().parent.parent / "var") as tmp:
        annoy_dir = Path(tmp) / "annoy"
        report["annoy_build"] = {
            "n_trees": annoy_trees,
            **build_annoy_in_child(vectors, annoy_dir, annoy_trees),
        }
        print(f"[{n}] annoy {report['annoy_build']}", flush=True)
        from ml.index import open_index

        annoy = open_index("annoy", annoy_dir)
        record_facade_annoy(annoy_dir, annoy_trees, n, listener, queries, truth_visible, record)
        annoy_ids = annoy.idmap.ids  # positions -> track ids
        for search_k in (annoy_trees * 20, annoy_trees * 100, annoy_trees * 200, annoy_trees * 800):
            record(
                "Annoy in process",
                f"search_k={search_k}",
                lambda q, s=search_k: (annoy_ids[annoy.forest.get_nns_by_vector(q, K, search_k=s)]).tolist(),
                truth_all,
            )
    report["results"] = rows
    return report


def record_facade_annoy(annoy_dir, n_trees, n, listener, queries, truth, record) -> None:
    """The facade's Annoy path end to end: the file's candidates, checked and merged by the database."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from ml.index import IndexManifest, IndexStore
    from recommender.services import similarity_index
    from recommender.services.similarity_annoy import annoy_neighbours

    root = annoy_dir.parent / "store"
    (root / "builds").mkdir(parents=True)
    os.symlink(annoy_dir, root / "builds" / "bench")
    now = timezone.now()
    IndexStore(root).publish(
        IndexManifest(
            backend="annoy",
            build="bench",
            dimensions=DIM,
            items=n,
            built_at=now.isoformat(),
            build_seconds=0.0,
            disk_bytes=0,
            metadata={"model_version": MODEL_VERSION, "watermark": (now + timedelta(minutes=1)).isoformat()},
        )
    )
    settings.MOODMIX = {**settings.MOODMIX, "SIMILARITY_INDEX_DIR": str(root)}
    similarity_index._stores.clear()
    for search_k in (n_trees * 100, n_trees * 200):
        record(
            "Annoy via facade (+DB checks)",
            f"search_k={search_k}",
            lambda q, s=search_k: _ids(
                annoy_neighbours(
                    q,
                    user=listener,
                    model_version=MODEL_VERSION,
                    k=K,
                    filters=SimilarityFilters(),
                    search_k=s,
                )
            ),
            truth,
        )


def _idmap(ids: np.ndarray):
    from ml.index import IdMap

    return IdMap(ids.astype(np.int64))


def _ids(pairs: list[tuple[int, float]]) -> list[int]:
    return [track_id for track_id, _ in pairs]


def markdown(report: dict) -> str:
    """The report of one size as the markdown table docs/benchmarks.md shows."""
    lines = [
        f"**{report['n']:,} vectors** ({report['generator']} generator, {report['queries']} queries, "
        f"k = {report['k']}; data: {report.get('data', {})})",
        "",
        "| method | setting | recall@10 | < k returned | QPS | p50 ms | p95 ms |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in report["results"]:
        lines.append(
            f"| {row['method']} | {row['setting']} | {row['recall@10']:.3f} | {row['short_share']:.1%} | "
            f"{float(row['qps']):.0f} | {row['p50_ms']:.2f} | {row['p95_ms']:.2f} |"
        )
    pg, annoy = report["pgvector_build"], report.get("annoy_build", {})
    lines += [
        "",
        f"Builds: load {pg['load_s']} s; HNSW (m {pg['hnsw_params']['m']}, ef_construction "
        f"{pg['hnsw_params']['ef_construction']}) {pg['hnsw_build_s']} s, index {pg['hnsw_index_mb']} MB, "
        f"embedding table {pg['embedding_table_mb']} MB; Annoy ({annoy.get('n_trees')} trees, 1 thread) "
        f"{annoy.get('build_s')} s, file {annoy.get('file_mb')} MB, peak RSS of the build "
        f"{annoy.get('peak_rss_mb')} MB."
        + (f" halfvec HNSW: {report['halfvec']}." if "halfvec" in report else ""),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--annoy-trees", type=int, default=50)
    parser.add_argument("--generator", choices=sorted(GENERATORS), default="moderate")
    parser.add_argument("--halfvec", action="store_true", help="Also measure a halfvec HNSW index.")
    parser.add_argument("--out", type=Path, default=Path("var/benchmarks"))
    parser.add_argument(
        "--tables", type=Path, nargs="+", help="Print the markdown of saved reports and exit."
    )
    args = parser.parse_args()
    if args.tables:
        print("\n\n".join(markdown(json.loads(path.read_text())) for path in args.tables))
        return
    call_command("migrate", verbosity=0)
    args.out.mkdir(parents=True, exist_ok=True)
    for n in args.sizes:
        report = run_size(n, args.queries, args.annoy_trees, args.generator, args.halfvec)
        path = args.out / f"vector_search_{n}_{args.generator}.json"
        path.write_text(json.dumps(report, indent=2))
        print(f"wrote {path}", flush=True)


if __name__ == "__main__":
    main()
