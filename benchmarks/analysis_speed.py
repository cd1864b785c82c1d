"""How fast one track is analysed on one CPU thread, and what batching the windows buys.

Generates a synthetic track (chords, bass and drums; 3 minutes by default), writes it as FLAC, builds
a fresh bundle (random weights: speed does not depend on training), or loads `--bundle DIR` (e.g. the
shipped ml/bundles/moodmix-v1), and times, best of `--repeats`:

- decode: `load_audio` of the FLAC file to mono 22.05 kHz;
- front end, forward: `LogMel` and the network over all windows, in passes of the bundle's default
  `windows_per_pass` (16 on the CPU);
- total: `bundle.predict(path)` end to end (decode, windows, front end, forward, pooling);
- signal features: `ml.features.compute_features` (tempo, key, loudness, energy, danceability), the
  other half of a catalogue analysis, so "whole analysis" = total + features;
- and, for the same windows, front end + forward run two other ways: one window per pass (the
  unbatched baseline) and every window in a single pass (the GPU default).

Prints the seconds, the real-time factor (analysis seconds per second of audio) and the ratios
against the unbatched baseline, all measured in this run. Usage:

    .venv/bin/python benchmarks/analysis_speed.py [--seconds 180] [--architecture tf_cnn] [--threads 1]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import soundfile as sf
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ml import taxonomy  # noqa: E402
from ml.audio import AudioContract, frame_windows, load_audio  # noqa: E402
from ml.features import compute_features  # noqa: E402
from ml.inference import ModelBundle  # noqa: E402
from ml.models import build_model  # noqa: E402


def synth_track(seconds: float, sr: int, seed: int = 0) -> np.ndarray:
    """Four-chord loop with a bass line, kick and hi-hat at 120 bpm, a little noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(round(seconds * sr)) / sr
    roots = np.array([220.0, 174.6, 261.6, 196.0])[(t // 2).astype(int) % 4]
    chord = sum(0.12 * np.sin(2 * np.pi * roots * ratio * t) for ratio in (1.0, 1.26, 1.5))
    bass = 0.2 * np.sin(2 * np.pi * roots / 2 * t)
    beat = t % 0.5
    kick = 0.6 * np.exp(-beat * 30) * np.sin(2 * np.pi * 60 * beat)
    hat = 0.05 * np.exp(-((t + 0.25) % 0.5) * 80) * rng.standard_normal(t.size)
    return (chord + bass + kick + hat).astype(np.float32) * 0.8


def best_of(repeats: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--architecture", default="tf_cnn")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--bundle", type=Path, help="a bundle folder to time instead of random weights")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    contract = AudioContract()
    moods, genres = [m.name for m in taxonomy.moods()], list(taxonomy.genres())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "track.flac"
        sf.write(path, synth_track(args.seconds, contract.sample_rate), contract.sample_rate)
        if args.bundle is None:
            model = build_model(args.architecture, n_moods=len(moods), n_genres=len(genres)).eval()
            ModelBundle(
                f"bench-{args.architecture}", args.architecture, {}, contract, moods, genres, {}, model
            ).save(Path(tmp) / "bundle")
        bundle = ModelBundle.load(args.bundle or Path(tmp) / "bundle", device="cpu")
        model, contract = bundle.model, bundle.contract
        bundle.predict(synth_track(5.0, contract.sample_rate))  # warm-up: first-call allocations

        wave = load_audio(path, sample_rate=contract.sample_rate)
        windows = torch.from_numpy(frame_windows(wave, contract))
        per_pass = bundle.windows_per_pass
        with torch.inference_mode():
            features = [bundle.frontend(chunk) for chunk in windows.split(per_pass)]
            decode = best_of(args.repeats, lambda: load_audio(path, sample_rate=contract.sample_rate))
            frontend = best_of(
                args.repeats, lambda: [bundle.frontend(chunk) for chunk in windows.split(per_pass)]
            )
            forward = best_of(args.repeats, lambda: [bundle.model(chunk) for chunk in features])

            def in_passes_of(size: int) -> Callable[[], object]:
                return lambda: [bundle.model(bundle.frontend(chunk)) for chunk in windows.split(size)]

            ways = {
                f"{per_pass} windows per pass": in_passes_of(per_pass),
                "1 window per pass": in_passes_of(1),
                f"all {len(windows)} in one pass": in_passes_of(len(windows)),
            }
            analysis = {name: best_of(args.repeats, run) for name, run in ways.items()}
        total = best_of(args.repeats, lambda: bundle.predict(path))
        compute_features(wave[: contract.sample_rate * 5], contract.sample_rate)  # warm-up: numba caches
        features_s = best_of(args.repeats, lambda: compute_features(wave, contract.sample_rate))

    params = sum(p.numel() for p in model.parameters())
    print(
        f"{bundle.version} ({bundle.architecture}): {params:,} parameters; {args.seconds:g} s track, "
        f"{len(windows)} windows of "
        f"{contract.window_seconds:g} s; torch {torch.__version__}, {args.threads} thread(s), "
        f"best of {args.repeats}"
    )
    for name, seconds in (
        ("decode", decode),
        ("front end", frontend),
        ("forward", forward),
        ("total", total),
        ("features", features_s),
        ("whole", total + features_s),
    ):
        print(f"  {name:<12} {seconds:7.3f} s")
    whole = total + features_s
    print(f"real-time factor: {whole / args.seconds:.4f} ({args.seconds / whole:.0f}x faster than real time)")
    print(f"forward throughput: {len(windows) / forward:.0f} windows/s")
    baseline = analysis["1 window per pass"]
    print("front end + forward, same windows:")
    for name, seconds in analysis.items():
        print(f"  {name:<26} {seconds:7.3f} s  {baseline / seconds:5.2f}x the unbatched baseline's speed")


if __name__ == "__main__":
    main()
