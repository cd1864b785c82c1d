"""Source 1: rendered music with known mood (from controlled cues) and known style (genre).

Plan: moods are visited round-robin so each core mood gets the same number of pieces (the moods added
later get a block of their own, as many pieces each); within a mood the genre rotates through the genres
allowed for its family (styles.EXCLUDED_PAIRS), so mood and genre are balanced against each other
instead of confounded. Every 10th piece of a mood goes to val, the
next to test (disjoint by piece: one piece = one clip).

Level: the rendered clip is set to -26 dBFS RMS + 12 dB x (normalised velocity cue), so loudness follows
the loudness cue rather than the arbitrary output level of the chosen General MIDI programs. A share of
clips then goes through `channel.apply_degradation` (band limit, random level, gaps): see that module.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from ml.corpus.channel import apply_degradation, draw_degradation
from ml.corpus.clipio import SAMPLE_RATE, set_rms_dbfs, write_clip
from ml.corpus.compose import compose
from ml.corpus.cues import (
    ADDED_MOODS,
    CORE_MOODS,
    VELOCITY_RANGE,
    derive_va,
    moods_expressed,
    sample_cues,
)
from ml.corpus.manifest import ClipRecord, split_of_index
from ml.corpus.render import render_midi
from ml.corpus.styles import STYLES, genres_for_family
from ml.taxonomy import family_of

__all__ = [
    "PiecePlan",
    "plan_rendered",
    "in_rendered_prefix",
    "build_rendered",
    "RENDERED_LICENCE",
    "DEGRADED_SHARE",
]

RENDERED_LICENCE = (
    "CC0-1.0: composed by the Moodmix corpus builder, rendered with the FluidR3_GM soundfont (MIT licence)"
)
DEGRADED_SHARE = 0.35
# Added-mood pieces draw their random streams from indices far past any core piece's.
ADDED_INDEX = 100_000
KEY_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")


@dataclass(frozen=True)
class PiecePlan:
    index: int
    piece: str
    mood: str
    genre: str
    split: str
    seed: int


def plan_rendered(count: int, seed: int) -> list[PiecePlan]:
    """`count` pieces balanced over the core moods, genres rotating within each mood, splits by piece;
    then as many pieces per added mood as each core mood got (`rendered-added-NNNN`, their own seeds).

    Both blocks are prefix-stable: piece i is the same piece whatever `count`, so adding moods to the
    corpus left the pieces every earlier model was trained and evaluated on untouched."""
    plans = [_plan(i, f"rendered-{i:04d}", CORE_MOODS, i, seed) for i in range(count)]
    plans += [
        _plan(j, f"rendered-added-{j:04d}", ADDED_MOODS, ADDED_INDEX + j, seed) for j in range(_added(count))
    ]
    return plans


def _added(count: int) -> int:
    """Added-mood pieces beside `count` core pieces: as many per added mood as each core mood got."""
    return (count // len(CORE_MOODS)) * len(ADDED_MOODS)


def _plan(i: int, piece: str, moods: tuple[str, ...], index: int, seed: int) -> PiecePlan:
    mood, k = moods[i % len(moods)], i // len(moods)
    options = genres_for_family(family_of(mood))
    return PiecePlan(index, piece, mood, options[(k + i) % len(options)], split_of_index(i), seed)


def in_rendered_prefix(piece: str, count: int) -> bool:
    """Whether rendered `piece` is among `plan_rendered(count, ...)`'s pieces."""
    number = int(piece.rsplit("-", 1)[-1])
    return number < (_added(count) if piece.startswith("rendered-added-") else count)


def build_rendered(plan: PiecePlan, out: Path, duration_range: tuple[float, float]) -> ClipRecord:
    """Compose, render and write one piece (skipping the render if its clip already exists)."""
    rng = np.random.default_rng([plan.seed, 1, plan.index])
    cues = sample_cues(plan.mood, rng)
    tonic = int(rng.integers(12))
    duration = round(float(rng.uniform(*duration_range)), 2)
    piece = compose(cues, STYLES[plan.genre], tonic=tonic, duration_s=duration, rng=rng)
    channel_rng = np.random.default_rng([plan.seed, 2, plan.index])
    degraded = channel_rng.random() < DEGRADED_SHARE
    rel = Path("rendered") / f"{plan.piece}.flac"
    meta: dict[str, object] = {
        "target_mood": plan.mood,
        "cues": cues.to_dict(),
        "key": f"{KEY_NAMES[tonic]} {cues.mode}",
        "programs": piece.programs,
        "progression": list(piece.progression),
        "drums": piece.drums,
    }
    if degraded:
        meta["channel"] = draw_degradation(channel_rng)
    path = out / rel
    if path.exists():
        duration = round(sf.info(str(path)).duration, 2)
    else:
        wave = render_midi(piece.midi, sample_rate=SAMPLE_RATE, duration_s=duration)
        unit = (cues.velocity - VELOCITY_RANGE[0]) / (VELOCITY_RANGE[1] - VELOCITY_RANGE[0])
        wave = set_rms_dbfs(wave, -26.0 + 12.0 * float(np.clip(unit, 0, 1)))
        if degraded:
            wave = apply_degradation(wave, SAMPLE_RATE, meta["channel"], channel_rng)
        write_clip(path, wave)
    valence, arousal = derive_va(cues)
    return ClipRecord(
        path=str(rel),
        source="rendered",
        piece=plan.piece,
        group=plan.genre,
        split=plan.split,
        moods=moods_expressed(cues),
        genres=[plan.genre],
        valence=round(valence, 4),
        arousal=round(arousal, 4),
        speech=0,
        licence=RENDERED_LICENCE,
        duration=duration,
        meta=meta,
    )
