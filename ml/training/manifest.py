"""The training manifest: one JSON object per line, one clip per object, read into typed entries.

Format (agreed with the corpus builder; see docs/ml-training.md)::

    {"path": "<relative to the manifest's folder>", "source": "rendered|speech|soundtrack|mix|catalogue",
     "piece": "<source piece id; splits are disjoint by piece>", "group": "<triplet positives group>",
     "split": "train|val|test", "moods": [level-2 names] | null, "genres": [names] | null,
     "valence": float | null, "arousal": float | null, "speech": 1 | 0 | null,
     "licence": "...", "duration": seconds}

``null`` means *unknown* (the loss masks it); an empty list means *known, none of these apply*. A rendered
clip's ``meta.cues.mode`` ("major" or "minor", the scale it was composed in) is read as its `mode`
(1 major, 0 minor; None for every other clip), the target of the optional major/minor head.
Validation is strict: a bad line raises `ManifestError` naming the file and line, because a silently
skipped label corrupts every metric computed downstream.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ml import taxonomy

__all__ = [
    "SOURCES",
    "SPLITS",
    "ManifestEntry",
    "ManifestError",
    "read_manifest",
    "filter_split",
    "mood_vocabulary",
    "genre_vocabulary",
]

# "catalogue": catalogue tracks labelled by editors (catalog.services.training_export).
SOURCES = frozenset({"rendered", "speech", "soundtrack", "mix", "catalogue"})
SPLITS = ("train", "val", "test")
_REQUIRED = ("path", "source", "piece", "group", "split")


class ManifestError(ValueError):
    """A manifest line that breaks the format; the message names the file and the line."""


@dataclass(frozen=True)
class ManifestEntry:
    """One clip. `path` is absolute (resolved against the manifest's folder)."""

    path: Path
    source: str
    piece: str
    group: str
    split: str
    moods: tuple[str, ...] | None
    genres: tuple[str, ...] | None
    valence: float | None
    arousal: float | None
    speech: int | None
    licence: str
    duration: float
    mode: int | None = None

    @property
    def has_va(self) -> bool:
        return self.valence is not None and self.arousal is not None


def read_manifest(path: str | Path, *, check_files: bool = True) -> list[ManifestEntry]:
    """Read and validate a JSONL manifest.

    Checks every field against the format, mood and genre names against `ml.taxonomy`, that no piece
    appears in two splits (leakage), and, with `check_files`, that every audio file exists.
    Raises `ManifestError` on the first problem.
    """
    path = Path(path)
    root = path.resolve().parent
    entries: list[ManifestEntry] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ManifestError(f"{where}: not JSON ({exc.msg})") from exc
            entry = _parse(raw, root, where)
            if check_files and not entry.path.is_file():
                raise ManifestError(f"{where}: audio file {entry.path} does not exist")
            entries.append(entry)
    if not entries:
        raise ManifestError(f"{path}: no clips")
    _check_pieces_disjoint(entries, path)
    return entries


def filter_split(entries: Iterable[ManifestEntry], split: str) -> list[ManifestEntry]:
    """The entries of one split, in manifest order."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; expected one of {SPLITS}")
    return [e for e in entries if e.split == split]


def mood_vocabulary(entries: Sequence[ManifestEntry]) -> tuple[str, ...]:
    """Level-2 moods with at least one positive clip, in taxonomy order (the tagger's label space)."""
    seen = {m for e in entries if e.moods for m in e.moods}
    return tuple(m.name for m in taxonomy.moods() if m.name in seen)


def genre_vocabulary(entries: Sequence[ManifestEntry]) -> tuple[str, ...]:
    """Genres with at least one positive clip, in taxonomy order."""
    seen = {g for e in entries if e.genres for g in e.genres}
    return tuple(g for g in taxonomy.genres() if g in seen)


def _parse(raw: Any, root: Path, where: str) -> ManifestEntry:
    if not isinstance(raw, dict):
        raise ManifestError(f"{where}: expected a JSON object")
    missing = [key for key in _REQUIRED if not isinstance(raw.get(key), str) or not raw.get(key)]
    if missing:
        raise ManifestError(f"{where}: missing or empty string field(s) {missing}")
    if raw["source"] not in SOURCES:
        raise ManifestError(f"{where}: source {raw['source']!r} not in {sorted(SOURCES)}")
    if raw["split"] not in SPLITS:
        raise ManifestError(f"{where}: split {raw['split']!r} not in {list(SPLITS)}")
    speech = raw.get("speech")
    if speech not in (0, 1, None) or isinstance(speech, bool | float):
        raise ManifestError(f"{where}: speech must be 1, 0 or null, got {speech!r}")
    duration = raw.get("duration")
    if not _is_number(duration) or duration <= 0:
        raise ManifestError(f"{where}: duration must be a positive number of seconds, got {duration!r}")
    return ManifestEntry(
        path=(root / raw["path"]).resolve(),
        source=raw["source"],
        piece=raw["piece"],
        group=raw["group"],
        split=raw["split"],
        moods=_names(raw.get("moods"), set(taxonomy.mood_by_name()), "moods", where),
        genres=_names(raw.get("genres"), set(taxonomy.genres()), "genres", where),
        valence=_coordinate(raw.get("valence"), "valence", where),
        arousal=_coordinate(raw.get("arousal"), "arousal", where),
        speech=speech,
        licence=str(raw.get("licence", "")),
        duration=float(duration),
        mode=_mode(raw, where),
    )


def _mode(raw: dict, where: str) -> int | None:
    meta = raw.get("meta")
    cues = meta.get("cues") if isinstance(meta, dict) else None
    mode = cues.get("mode") if isinstance(cues, dict) else None
    if mode not in (None, "major", "minor"):
        raise ManifestError(f"{where}: meta.cues.mode must be 'major' or 'minor', got {mode!r}")
    return None if mode is None else int(mode == "major")


def _names(value: Any, allowed: set[str], field: str, where: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ManifestError(f"{where}: {field} must be a list of names or null")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise ManifestError(f"{where}: unknown {field} {unknown} (not in ml.taxonomy)")
    return tuple(dict.fromkeys(value))


def _coordinate(value: Any, field: str, where: str) -> float | None:
    if value is None:
        return None
    if not _is_number(value) or not -1.0 <= value <= 1.0:
        raise ManifestError(f"{where}: {field} must be a number in [-1, 1] or null, got {value!r}")
    return float(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_pieces_disjoint(entries: Sequence[ManifestEntry], path: Path) -> None:
    split_of: dict[str, str] = {}
    for entry in entries:
        first = split_of.setdefault(entry.piece, entry.split)
        if first != entry.split:
            raise ManifestError(
                f"{path}: piece {entry.piece!r} appears in splits {first!r} and {entry.split!r}; "
                "splits must be disjoint by piece"
            )
