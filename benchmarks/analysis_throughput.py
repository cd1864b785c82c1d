"""Analysis throughput on real audio: seconds of audio analysed per wall second per worker process.

Three measurements, each in this one process (a worker process: `--threads` threads for torch, BLAS
and numba, set by `ml.inference.threads.configure_threads` as the Celery worker does):

1. **One 3-minute mp3**, decode to stored results (`catalog.services.analysis.run_analysis`: claim,
   decode, signal + model steps, the completing transaction), `--repeats` times. Each run is split into
   decode, front end, model, features, database write (claim + complete) and the rest, by timers
   wrapped around those functions; wall seconds and this thread's CPU seconds both. In the same run, a
   straightforward **baseline** on the same file: `librosa.load`, `librosa.feature.melspectrogram`
   + one forward pass per window, `librosa.beat.beat_track` and `librosa.feature.chroma_cqt`, without
   any database write; and the ratio.
2. **Bulk import** of the demo catalogue (`--catalogue`, 36 real ogg/mp3 soundtrack tracks): ingest
   every file, then analyse them all as one worker would (`run_batch_analysis` in batches of 16, what
   `catalog.analyze_tracks` runs): wall time and the share outside decode + model + features.
3. **Memory** (`--memory`): a 20-minute mp3 analysed in a fresh process; its peak resident set size.

The demo audio comes from Debian's game-soundtrack packages (`python -m ml.corpus demo-tracks --out
var/demo-audio`, cached under ~/.cache/moodmix); the 3- and 20-minute mp3 files are cut from it with
ffmpeg into var/bench-audio. Results go to the terminal and `--out` (JSON). The database is the
embedded PostgreSQL's `moodmix_bench` (created and migrated on first use), its media in var/bench-media.

    .venv/bin/python benchmarks/analysis_throughput.py --threads 1 --repeats 5
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VAR = ROOT / "var"
PHASES = ("decode", "front end", "model", "features", "db write")


def ffmpeg_mp3(sources: list[Path], seconds: float, out: Path) -> Path:
    """An mp3 of exactly `seconds`, the sources concatenated (and looped) until long enough."""
    if out.is_file():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    listing = out.with_suffix(".txt")
    listing.write_text("".join(f"file '{p.resolve()}'\n" for p in sources))
    command = ["ffmpeg", "-v", "error", "-y", "-stream_loop", "-1", "-f", "concat", "-safe", "0"]
    command += ["-i", str(listing), "-t", str(seconds), "-ac", "2", "-ar", "44100", "-b:a", "192k", str(out)]
    subprocess.run(command, check=True)
    return out


class Phases:
    """Wall and thread-CPU seconds per named phase, accumulated by wrapped functions."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)

    def wrap(self, name: str, fn: Callable) -> Callable:
        def timed(*args, **kwargs):
            wall, cpu = time.perf_counter(), time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.wall[name] += time.perf_counter() - wall
                self.cpu[name] += time.thread_time() - cpu

        return timed

    def reset(self) -> None:
        self.wall.clear()
        self.cpu.clear()


def set_up_django(bundle: Path) -> None:
    os.environ.setdefault("DEBUG", "1")
    os.environ["MOODMIX_DATABASE_NAME"] = "moodmix_bench"
    os.environ["MOODMIX_BUNDLE_DIR"] = str(bundle)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recommender.settings")
    import django
    from django.conf import settings

    django.setup()
    settings.MEDIA_ROOT = VAR / "bench-media"
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_taxonomy", verbosity=0)


def instrument(phases: Phases) -> None:
    """Wrap the functions the analysis service calls with phase timers."""
    import ml.features
    from catalog.bundles import current_bundle
    from catalog.services import analysis

    bundle = current_bundle()
    analysis.load_audio = phases.wrap("decode", analysis.load_audio)
    # The service imports compute_features from ml.features when it runs, so it finds the wrapper there.
    ml.features.compute_features = phases.wrap("features", ml.features.compute_features)
    analysis.claim = phases.wrap("db write", analysis.claim)
    analysis.complete = phases.wrap("db write", analysis.complete)
    bundle.frontend.forward = phases.wrap("front end", bundle.frontend.forward)
    bundle.model.forward = phases.wrap("model", bundle.model.forward)


def ingest(paths: list[Path]) -> list[int]:
    """Store the files as pending tracks (the import command's service), replacing an earlier run's."""
    from django.core.files import File

    from catalog.models import Track
    from catalog.services import ingest as ingest_service

    ingest_service.enqueue_analysis = lambda track_id: None  # this process is the worker
    names = {p.name for p in paths}
    Track.objects.filter(original_filename__in=names).delete()
    ids = []
    for path in paths:
        with path.open("rb") as handle:
            ids.append(ingest_service.ingest_file(File(handle, name=path.name)).pk)
    return ids


def reset_pending(ids: list[int]) -> None:
    from catalog.choices import TrackStatus
    from catalog.models import Track

    Track.objects.filter(pk__in=ids).update(status=TrackStatus.PENDING, analysis_attempts=0)


def baseline(path: Path, bundle) -> None:
    """The straightforward way: librosa everywhere, one window per forward pass."""
    import librosa
    import numpy as np
    import torch

    from ml.audio import window_starts

    contract = bundle.contract
    y, sr = librosa.load(str(path), sr=contract.sample_rate)
    size = contract.window_samples
    with torch.no_grad():
        for start in window_starts(len(y), contract):
            window = np.pad(y[start : start + size], (0, max(0, start + size - len(y))))
            mel = librosa.feature.melspectrogram(
                y=window, sr=sr, n_fft=contract.n_fft, hop_length=contract.hop_length,
                n_mels=contract.n_mels, fmin=contract.f_min, fmax=contract.mel_f_max,
            )  # fmt: skip
            features = torch.from_numpy(np.log(mel + 1e-6))
            if contract.n_pitch:  # the pitch band (moodmix-v2): the bundle's own code, one window at a time
                pitch = bundle.frontend._pitch(torch.from_numpy(window), features.shape[-1])
                features = torch.cat([features, pitch])
            bundle.model(features[None])
    librosa.beat.beat_track(y=y, sr=sr)
    librosa.feature.chroma_cqt(y=y, sr=sr)


def summarise(phases: Phases, total_wall: float, total_cpu: float) -> dict:
    row = {name: {"wall": phases.wall.get(name, 0.0), "cpu": phases.cpu.get(name, 0.0)} for name in PHASES}
    row["other"] = {
        "wall": total_wall - sum(v["wall"] for v in row.values()),
        "cpu": total_cpu - sum(v["cpu"] for v in row.values()),
    }
    row["total"] = {"wall": total_wall, "cpu": total_cpu}
    return row


def median_rows(rows: list[dict]) -> dict:
    return {
        name: {kind: statistics.median(r[name][kind] for r in rows) for kind in ("wall", "cpu")}
        for name in rows[0]
    }


def print_rows(title: str, audio_s: float, row: dict) -> None:
    print(f"\n{title} ({audio_s:.1f} s of audio)")
    print(f"  {'phase':<10} {'wall s':>8} {'cpu s':>8} {'x real time (wall)':>20}")
    for name, value in row.items():
        speed = audio_s / value["wall"] if value["wall"] > 0 else float("inf")
        print(f"  {name:<10} {value['wall']:8.3f} {value['cpu']:8.3f} {speed:20.0f}")


def single_track(args, mp3: Path, phases: Phases) -> dict:
    from catalog.bundles import current_bundle
    from catalog.services.analysis import run_analysis
    from ml.audio import probe

    bundle = current_bundle()
    audio_s = probe(mp3).duration
    (track_id,) = ingest([mp3])
    ours, base = [], []
    reset_pending([track_id])
    run_analysis(track_id)  # warm-up: numba compilation, first-call allocations
    baseline(mp3, bundle)
    for _ in range(args.repeats):
        reset_pending([track_id])
        phases.reset()
        wall, cpu = time.perf_counter(), time.thread_time()
        status = run_analysis(track_id)
        ours.append(summarise(phases, time.perf_counter() - wall, time.thread_time() - cpu))
        assert status is not None and status.value == "analyzed", status
        wall, cpu = time.perf_counter(), time.thread_time()
        baseline(mp3, bundle)
        base.append({"total": {"wall": time.perf_counter() - wall, "cpu": time.thread_time() - cpu}})
    row, base_row = median_rows(ours), median_rows(base)
    print_rows(f"one {mp3.name}, ours, median of {args.repeats}", audio_s, row)
    print_rows(
        f"baseline (librosa + one window per pass, no DB), median of {args.repeats}", audio_s, base_row
    )
    ratio_wall = statistics.median(
        b["total"]["wall"] / o["total"]["wall"] for o, b in zip(ours, base, strict=True)
    )
    ratio_cpu = statistics.median(
        b["total"]["cpu"] / o["total"]["cpu"] for o, b in zip(ours, base, strict=True)
    )
    print(f"  ours vs baseline: {ratio_wall:.2f}x (wall), {ratio_cpu:.2f}x (cpu), median of per-run ratios")
    return {
        "file": mp3.name,
        "audio_s": audio_s,
        "ours": row,
        "baseline": base_row,
        "runs": {"ours": ours, "baseline": base},
        "x_real_time_wall": audio_s / row["total"]["wall"],
        "x_real_time_cpu": audio_s / row["total"]["cpu"],
        "ratio_wall": ratio_wall,
        "ratio_cpu": ratio_cpu,
    }


def bulk_import(args, files: list[Path], phases: Phases) -> dict:
    from catalog.services.analysis import run_batch_analysis
    from catalog.tasks import BATCH_SIZE
    from ml.audio import probe

    audio_s = sum(probe(p).duration for p in files)
    started = time.perf_counter()
    ids = ingest(files)
    ingest_s = time.perf_counter() - started
    phases.reset()
    wall, cpu = time.perf_counter(), time.thread_time()
    statuses = {}
    for first in range(0, len(ids), BATCH_SIZE):
        statuses.update(run_batch_analysis(ids[first : first + BATCH_SIZE]))
    row = summarise(phases, time.perf_counter() - wall, time.thread_time() - cpu)
    analysed = sum(1 for s in statuses.values() if s is not None and s.value == "analyzed")
    print_rows(
        f"bulk import: {len(files)} demo tracks, {analysed} analysed, batches of {BATCH_SIZE}", audio_s, row
    )
    core = sum(row[name]["wall"] for name in ("decode", "front end", "model", "features"))
    outside = 1.0 - core / row["total"]["wall"]
    with_ingest = 1.0 - core / (row["total"]["wall"] + ingest_s)
    print(f"  ingest {ingest_s:.1f} s, analysis {row['total']['wall']:.1f} s wall")
    print(f"  outside decode+model+features: {100 * outside:.1f} % of the analysis", end="")
    print(f", {100 * with_ingest:.1f} % counting the ingest")
    return {
        "tracks": len(files),
        "analysed": analysed,
        "audio_s": audio_s,
        "ingest_s": ingest_s,
        "analysis": row,
        "outside_share": outside,
        "outside_share_with_ingest": with_ingest,
    }


def memory_child(path: str, bundle_dir: str, threads: int) -> None:
    """In a fresh process: the whole analysis of `path` (no database), then print peak RSS in MB."""
    from ml.audio import load_audio
    from ml.features import compute_features, waveform_peaks
    from ml.inference import ModelBundle
    from ml.inference.threads import configure_threads

    configure_threads(threads)
    bundle = ModelBundle.load(bundle_dir, device="cpu")
    started = time.perf_counter()
    wave = load_audio(path, sample_rate=bundle.contract.sample_rate)
    prediction = bundle.predict(wave)
    features = compute_features(wave, bundle.contract.sample_rate)
    waveform_peaks(wave, 600)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"peak_rss_mb": peak_mb, "seconds": elapsed, "audio_s": prediction.duration,
                      "tempo": features.tempo_bpm}))  # fmt: skip


def memory(args, long_mp3: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--memory-child", str(long_mp3), "--bundle", str(args.bundle),
         "--threads", str(args.threads)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    result = json.loads(out.stdout.strip().splitlines()[-1])
    minutes = result["audio_s"] / 60
    print(f"\nmemory: {long_mp3.name} ({minutes:.1f} min) analysed in {result['seconds']:.1f} s", end="")
    print(f", peak RSS {result['peak_rss_mb']:.0f} MB")
    return result


def main() -> None:
    from ml.inference.current import default_bundle_dir

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--bundle", type=Path, default=default_bundle_dir(), help="default: the default bundle"
    )
    parser.add_argument("--audio", type=Path, default=VAR / "demo-audio", help="the demo catalogue's folder")
    parser.add_argument("--skip", nargs="*", default=[], choices=["single", "bulk", "memory"])
    parser.add_argument("--out", type=Path, default=VAR / "bench" / "analysis_throughput.json")
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child, str(args.bundle), args.threads)
        return

    from ml.inference.threads import configure_threads

    configure_threads(args.threads)
    files = sorted(p for p in args.audio.glob("*") if p.suffix.lower() in {".ogg", ".mp3", ".opus", ".flac"})
    if not files:
        sys.exit(f"no demo audio in {args.audio}: run `python -m ml.corpus demo-tracks --out {args.audio}`")
    import torch

    results: dict = {
        "threads": args.threads,
        "torch": torch.__version__,
        "cores": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
    }
    set_up_django(args.bundle)
    phases = Phases()
    from catalog.bundles import current_bundle

    current_bundle()
    instrument(phases)
    if "single" not in args.skip:
        mp3 = ffmpeg_mp3(files[:2], 180.0, VAR / "bench-audio" / "demo-3min.mp3")
        results["single"] = single_track(args, mp3, phases)
    if "bulk" not in args.skip:
        results["bulk"] = bulk_import(args, files, phases)
    if "memory" not in args.skip:
        results["memory"] = memory(
            args, ffmpeg_mp3(files[:8], 1200.0, VAR / "bench-audio" / "demo-20min.mp3")
        )
    results["load_average_at_end"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"\nload average {results['load_average_at_start']} -> {results['load_average_at_end']}; "
          f"{os.cpu_count()} cores; results in {args.out}")  # fmt: skip


if __name__ == "__main__":
    main()
