"""The training manifest: JSON Lines, one clip per line, as agreed in the ml/ interface contract.

{"path", "source": rendered|speech|soundtrack|mix, "piece", "group", "split": train|val|test,
 "moods": [level-2 names] | null, "genres": [names] | null, "valence": float | null,
 "arousal": float | null, "speech": 1 | 0 | null, "licence", "duration": seconds}

Records may carry one extra key, "meta" (an object: cue values, instruments, channel, ...), for diagnosis;
consumers of the contract ignore it. `validate_manifest` checks every record and that splits are disjoint
by piece (and, for soundtracks, by package).
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ml.taxonomy import genres, mood_by_name

__all__ = [
    "SOURCES",
    "SPLITS",
    "ClipRecord",
    "split_of_index",
    "write_manifest",
    "read_manifest",
    "validate_manifest",
]

SOURCES = ("rendered", "speech", "soundtrack", "mix")
SPLITS = ("train", "val", "test")
CONTRACT_KEYS = (
    "path", "source", "piece", "group", "split", "moods", "genres",
    "valence", "arousal", "speech", "licence", "duration",
)  # fmt: skip


def split_of_index(index: int) -> str:
    """80/10/10 split of generated pieces by their index: residue 1 -> val, 2 -> test (small residues, so
    even a --quick build of a handful of clips has all three splits)."""
    return {1: "val", 2: "test"}.get(index % 10, "train")


@dataclass
class ClipRecord:
    path: str
    source: str
    piece: str
    group: str
    split: str
    moods: list[str] | None
    genres: list[str] | None
    valence: float | None
    arousal: float | None
    speech: int | None
    licence: str
    duration: float
    meta: dict = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=False)


def write_manifest(records: Iterable[ClipRecord], path: Path) -> None:
    """Write atomically (temporary file + rename, the name the process's own: see `write_clip`) so
    readers never see half a manifest."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.part")
    with tmp.open("w", encoding="utf-8") as f:
        for record in records:
            f.write(record.to_json() + "\n")
    os.replace(tmp, path)


def read_manifest(path: Path) -> list[dict]:
    with Path(path).open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _record_errors(rec: dict, root: Path | None) -> list[str]:
    errors = [f"missing key {k!r}" for k in CONTRACT_KEYS if k not in rec]
    if errors:
        return errors
    if rec["source"] not in SOURCES:
        errors.append(f"unknown source {rec['source']!r}")
    if rec["split"] not in SPLITS:
        errors.append(f"unknown split {rec['split']!r}")
    if rec["moods"] is not None:
        errors += [f"mood {m!r} not in ml.taxonomy" for m in rec["moods"] if m not in mood_by_name()]
    if rec["genres"] is not None:
        errors += [f"genre {g!r} not in ml.taxonomy" for g in rec["genres"] if g not in genres()]
    for key in ("valence", "arousal"):
        v = rec[key]
        if v is not None and not (isinstance(v, int | float) and -1.0 <= v <= 1.0):
            errors.append(f"{key} {v!r} outside [-1, 1]")
    if rec["speech"] not in (0, 1, None):
        errors.append(f"speech {rec['speech']!r} not 0, 1 or null")
    if rec["speech"] == 1 and (rec["moods"] or rec["genres"]):
        errors.append("speech clips carry no mood or genre labels")
    if not rec["piece"] or not rec["group"] or not rec["licence"]:
        errors.append("piece, group and licence must be non-empty")
    if not (isinstance(rec["duration"], int | float) and rec["duration"] > 0):
        errors.append(f"duration {rec['duration']!r} must be positive")
    if Path(rec["path"]).is_absolute() or ".." in Path(rec["path"]).parts:
        errors.append("path must be relative to the manifest's folder")
    elif root is not None and not (root / rec["path"]).is_file():
        errors.append("audio file missing")
    return errors


def validate_manifest(path: Path, check_files: bool = True) -> list[str]:
    """Every problem found, as 'line N: message'; an empty list means the manifest meets the contract."""
    path = Path(path)
    records = read_manifest(path)
    problems = []
    for i, rec in enumerate(records, 1):
        problems += [f"line {i}: {e}" for e in _record_errors(rec, path.parent if check_files else None)]
    splits_of_piece: dict[str, set[str]] = defaultdict(set)
    splits_of_package: dict[str, set[str]] = defaultdict(set)
    for rec in records:
        splits_of_piece[rec.get("piece")].add(rec.get("split"))
        if rec.get("source") == "soundtrack":
            splits_of_package[rec.get("group")].add(rec.get("split"))
    problems += [
        f"piece {p!r} is in several splits: {sorted(s)}" for p, s in splits_of_piece.items() if len(s) > 1
    ]
    problems += [
        f"soundtrack {p!r} is in several splits: {sorted(s)}"
        for p, s in splits_of_package.items()
        if len(s) > 1
    ]
    return problems
