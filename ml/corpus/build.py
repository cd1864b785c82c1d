"""Build the whole corpus: rendered music, soundtrack clips, speech and mixes, then the manifest.

Idempotent and resumable: every clip has a deterministic path and is written atomically, and existing
clips are not rendered again (their records are re-derived from the seed), so re-running after an
interruption only does the missing work. The manifest, LICENCES.md and stats.json are rewritten at the end.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from tqdm import tqdm

from ml.corpus.debian import cache_dir
from ml.corpus.licences import write_licences
from ml.corpus.manifest import ClipRecord, split_of_index, write_manifest
from ml.corpus.rendered import build_rendered, plan_rendered
from ml.corpus.soundtracks import build_soundtracks
from ml.corpus.speech import SpeechPlan, asterisk_copyright, build_speech

__all__ = ["BuildConfig", "FULL", "QUICK", "build_corpus", "corpus_stats"]


@dataclass(frozen=True)
class BuildConfig:
    rendered: int
    rendered_s: tuple[float, float]
    espeak: int
    asterisk: int
    mixes: int
    speech_s: tuple[float, float]
    soundtracks: bool


FULL = BuildConfig(
    rendered=1452, rendered_s=(15, 18), espeak=110, asterisk=80, mixes=60, speech_s=(10, 25), soundtracks=True
)
# A few clips of each offline source (no downloads), for tests and smoke runs: well under a minute.
QUICK = BuildConfig(
    rendered=10, rendered_s=(5, 6), espeak=4, asterisk=0, mixes=2, speech_s=(5, 7), soundtracks=False
)


def _speech_plans(config: BuildConfig, seed: int) -> list[SpeechPlan]:
    kinds = ["espeak"] * config.espeak + ["asterisk"] * config.asterisk
    plans = [
        SpeechPlan(i, f"speech-{i:04d}", kind, split_of_index(i), False, seed) for i, kind in enumerate(kinds)
    ]
    for j in range(config.mixes):
        i = len(kinds) + j
        kind = "asterisk" if config.asterisk and j % 2 else "espeak"
        plans.append(SpeechPlan(i, f"mix-{j:04d}", kind, split_of_index(j), True, seed))
    return plans


def build_corpus(
    out: Path,
    *,
    quick: bool = False,
    seed: int = 0,
    jobs: int = 2,
    cache: Path | None = None,
    rendered: int | None = None,
) -> dict:
    """Build (or finish building) the corpus under `out`; return its stats (also written to stats.json).

    `rendered` overrides the number of rendered pieces (the plans are prefix-stable: piece i is the
    same piece whatever the count, so a smaller corpus is the first N pieces of the full one)."""
    config = QUICK if quick else FULL
    if rendered is not None:
        config = replace(config, rendered=rendered)
    cache = cache or cache_dir()
    out.mkdir(parents=True, exist_ok=True)
    started = time.time()
    records: list[ClipRecord] = []

    plans = plan_rendered(config.rendered, seed)
    with ThreadPoolExecutor(max_workers=jobs) as pool, tqdm(total=len(plans), desc="rendered music") as bar:
        for record in pool.map(lambda p: build_rendered(p, out, config.rendered_s), plans):
            records.append(record)
            bar.update(1)

    licences: dict = {}
    if config.soundtracks:
        with tqdm(desc="soundtrack clips") as bar:
            soundtrack_records, licences = build_soundtracks(out, cache, seed, progress=bar)
        records += soundtrack_records

    beds = {split: [r for r in records if r.split == split] for split in ("train", "val", "test")}
    for plan in tqdm(_speech_plans(config, seed), desc="speech and mixes"):
        records.append(build_speech(plan, out, cache, config.speech_s, beds[plan.split]))

    write_manifest(records, out / "manifest.jsonl")
    write_licences(out / "LICENCES.md", licences, asterisk_copyright(cache) if config.asterisk else {})
    stats = corpus_stats(records)
    stats["build_seconds"] = round(time.time() - started, 1)
    stats["config"] = ("quick" if quick else "full") + (
        f", {rendered} rendered" if rendered is not None else ""
    )
    stats["seed"] = seed
    (out / "stats.json").write_text(json.dumps(stats, indent=1) + "\n")
    return stats


def corpus_stats(records: list[ClipRecord]) -> dict:
    """Counts per source/split/mood/genre/soundtrack, hours per source, share of channel-degraded clips."""
    by_source: Counter = Counter(r.source for r in records)
    seconds: Counter = Counter()
    for r in records:
        seconds[r.source] += r.duration
    degraded = Counter(r.source for r in records if "channel" in r.meta)
    return {
        "clips": len(records),
        "hours": round(sum(seconds.values()) / 3600, 2),
        "clips_per_source": dict(by_source),
        "hours_per_source": {k: round(v / 3600, 2) for k, v in seconds.items()},
        "clips_per_source_split": dict(Counter(f"{r.source}/{r.split}" for r in records)),
        "pieces_per_split": dict(Counter(s for s, _ in {(r.split, r.piece) for r in records})),
        "mood_labels": dict(Counter(m for r in records for m in (r.moods or ()))),
        "genre_labels": dict(Counter(g for r in records for g in (r.genres or ()))),
        "soundtrack_clips": dict(Counter(r.group for r in records if r.source == "soundtrack")),
        "soundtrack_split": {r.group: r.split for r in records if r.source == "soundtrack"},
        "channel_degraded_share": {k: round(degraded[k] / n, 3) for k, n in by_source.items()},
    }
