"""Real soundtrack music for the product's demo catalogue: `python -m ml.corpus demo-tracks`.

Copies whole tracks from the cached Debian soundtrack packages (downloading them if missing), tagged with
mutagen: artist = the game/soundtrack, album = the Debian package, title from the file name, genre left
empty (the tagger fills it). Tracks are taken round-robin across soundtracks for variety. A LICENCES.md
with each package's licence and copyright file goes next to them.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import mutagen

from ml.corpus.debian import cache_dir, copyright_text, fetch_and_unpack
from ml.corpus.licences import write_licences
from ml.corpus.soundtracks import SOUNDTRACKS, detect_licence, discover_tracks

__all__ = ["demo_tracks", "title_from_filename"]

MAX_DEMO_TRACK_S = 420.0  # keep the demo catalogue light: skip very long suites


def title_from_filename(stem: str) -> str:
    """'Crystan-Battlescape01' -> 'Crystan Battlescape 01'; 'track_25' -> 'Track 25'."""
    text = re.sub(r"[_\-.]+", " ", stem.lstrip("@"))
    text = re.sub(r"(?<=[a-z])(?=[A-Z0-9])|(?<=[0-9])(?=[A-Za-z])", " ", text)
    return " ".join(w[:1].upper() + w[1:] for w in text.split())


def demo_tracks(
    out: Path, count: int = 36, cache: Path | None = None, packages: tuple[str, ...] = tuple(SOUNDTRACKS)
) -> list[Path]:
    """Copy and tag `count` tracks of `packages` into `out`; existing copies are kept. Returns the files."""
    cache = cache or cache_dir()
    out.mkdir(parents=True, exist_ok=True)
    queues, licences = {}, {}
    for package in packages:
        soundtrack = SOUNDTRACKS[package]
        tracks = [t for t in discover_tracks(soundtrack, cache) if t.duration <= MAX_DEMO_TRACK_S]
        queues[package] = tracks
        text = copyright_text(fetch_and_unpack(package, cache), package)
        licences[package] = (soundtrack.title, detect_licence(text, [t.path.name for t in tracks]), text)
    chosen = []
    while len(chosen) < count and any(queues.values()):
        for package in packages:
            if queues[package] and len(chosen) < count:
                chosen.append(queues[package].pop(0))
    written = []
    for track in chosen:
        target = out / f"{track.package}-{track.path.stem.lstrip('@')}{track.path.suffix.lower()}"
        if not target.exists():
            tmp = target.with_name(target.name + ".part" + target.suffix)
            shutil.copyfile(track.path, tmp)
            tagged = mutagen.File(str(tmp), easy=True)
            tagged["artist"] = SOUNDTRACKS[track.package].title
            tagged["album"] = track.package
            tagged["title"] = title_from_filename(track.path.stem)
            if "genre" in tagged:
                del tagged["genre"]  # the tagger, not the source file, decides the genre
            tagged.save()
            tmp.replace(target)
        written.append(target)
    used = {t.package for t in chosen}
    write_licences(out / "LICENCES.md", {p: v for p, v in licences.items() if p in used}, {}, generated=False)
    return written
