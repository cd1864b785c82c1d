"""Source 3: real recorded music from free game soundtracks packaged in Debian.

Only the music folders of the packages in `SOUNDTRACKS` are used (never sound effects: files shorter than
MIN_TRACK_S are skipped). Clips carry no mood/genre labels (unknown, masked in the loss): they teach the
speech head what real music sounds like and give the triplet loss honest positives (group = package).

Splits are disjoint BY PACKAGE (`SPLIT_OF_PACKAGE`): whole soundtracks are held out, so "retrieve clips of
the same soundtrack" is measured on soundtracks the model never heard. Long tracks give at most
CLIPS_PER_TRACK clips and a package at most CLIPS_PER_PACKAGE, so no soundtrack dominates.
"""

from __future__ import annotations

import fnmatch
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from ml.corpus.channel import apply_degradation, draw_degradation
from ml.corpus.clipio import SAMPLE_RATE, read_segment, write_clip
from ml.corpus.debian import copyright_text, fetch_and_unpack
from ml.corpus.manifest import ClipRecord

__all__ = [
    "Soundtrack",
    "SOUNDTRACKS",
    "SPLIT_OF_PACKAGE",
    "Track",
    "discover_tracks",
    "detect_licence",
    "build_soundtracks",
]

AUDIO_SUFFIXES = (".ogg", ".opus", ".flac", ".mp3", ".wav")
MIN_TRACK_S = 30.0
CLIP_S = 15.0
CLIPS_PER_TRACK = 3
CLIPS_PER_PACKAGE = 48
DEGRADED_SHARE = 0.35


@dataclass(frozen=True)
class Soundtrack:
    """A Debian package and where its music lives (globs relative to the unpacked package; a glob of the
    form 'archive.pk3!member-glob' reads members of a zip archive, extracted once into the cache)."""

    package: str
    title: str
    globs: tuple[str, ...]


SOUNDTRACKS: dict[str, Soundtrack] = {
    s.package: s
    for s in (
        Soundtrack("hedgewars-data", "Hedgewars", ("usr/share/games/hedgewars/Data/Music/**/*",)),
        Soundtrack("freedroidrpg-data", "FreedroidRPG", ("usr/share/freedroidrpg/data/sound/music/**/*",)),
        Soundtrack("flare-game", "Flare: Empyrean Campaign", ("usr/share/games/flare/mods/*/music/**/*",)),
        Soundtrack("nexuiz-music", "Nexuiz", ("usr/share/games/nexuiz/data/music.pk3!sound/cdtracks/*",)),
        Soundtrack("colobot-common-sounds", "Colobot", ("usr/share/games/colobot/music/**/*",)),
        Soundtrack("openclonk-data", "OpenClonk", ("usr/share/games/openclonk/Music.ocg/*",)),
        Soundtrack("pushover-data", "Pushover", ("usr/share/pushover/themes/*",)),
        Soundtrack("singularity-music", "Endgame: Singularity", ("usr/share/games/singularity/music/**/*",)),
        Soundtrack("ufoai-music", "UFO: Alien Invasion", ("usr/share/games/ufoai/base/0music.pk3!music/*",)),
        Soundtrack("warzone2100-music", "Warzone 2100", ("usr/share/games/warzone2100/music/**/*",)),
        Soundtrack("supertux-data", "SuperTux", ("usr/share/games/supertux2/music/**/*",)),
    )
}

# Held-out soundtracks: 3 for test, 1 for val (about 20% / 10% of soundtrack clips), the rest train.
SPLIT_OF_PACKAGE: dict[str, str] = {
    "openclonk-data": "test",
    "pushover-data": "test",
    "flare-game": "test",
    "freedroidrpg-data": "val",
}


@dataclass(frozen=True)
class Track:
    package: str
    path: Path
    duration: float

    @property
    def name(self) -> str:
        return self.path.stem


def _expand(root: Path, pattern: str, extract_to: Path) -> list[Path]:
    if "!" not in pattern:
        return sorted(root.glob(pattern))
    archive, member_glob = pattern.split("!", 1)
    done = extract_to / ".extracted"
    if not done.exists():
        with zipfile.ZipFile(root / archive) as z:
            for member in z.namelist():
                if fnmatch.fnmatch(member, member_glob) and member.lower().endswith(AUDIO_SUFFIXES):
                    z.extract(member, extract_to)
        done.write_text(archive + "\n")
    return sorted(
        p for p in extract_to.rglob("*") if fnmatch.fnmatch(str(p.relative_to(extract_to)), member_glob)
    )


def discover_tracks(soundtrack: Soundtrack, cache: Path) -> list[Track]:
    """Music files of `soundtrack` at least MIN_TRACK_S long, downloading the package if needed."""
    root = fetch_and_unpack(soundtrack.package, cache)
    tracks = []
    for pattern in soundtrack.globs:
        for path in _expand(root, pattern, cache / "extracted" / soundtrack.package):
            if not path.is_file() or not path.name.lower().endswith(AUDIO_SUFFIXES):
                continue
            try:
                duration = sf.info(str(path)).duration
            except (RuntimeError, sf.LibsndfileError):
                continue  # undecodable files are not music we can use
            if duration >= MIN_TRACK_S:
                tracks.append(Track(soundtrack.package, path, duration))
    return tracks


_GPL = re.compile(r"GNU General Public License.{0,200}?version (\d)", re.S | re.I)
_CC = re.compile(r"Creative Commons (Attribution[\w -]*?)(\d\.\d)", re.S | re.I)
_CC_ELEMENTS = re.compile(r"License Elements.{0,400}?this License:\s*([\w ,-]+)\.", re.S | re.I)


def detect_licence(copyright: str, music_names: list[str]) -> str:
    """Short licence name(s) of the music files, from the package's Debian copyright file.

    Machine-readable (DEP-5) files: the License of every stanza whose Files patterns name a music file or a
    music folder, else of the 'Files: *' stanza. Free-form files: the GPL version or Creative Commons
    licence they state. The full copyright text always goes to LICENCES.md; this is the manifest summary.
    """
    if copyright.startswith("Format:"):
        found, fallback = [], []
        for stanza in re.split(r"\n\s*\n", copyright):
            files = re.search(r"^Files:(.*?)(?=^\S)", stanza + "\nEND", re.S | re.M)
            lic = re.search(r"^License:\s*(\S.*)$", stanza, re.M)
            if not files or not lic:
                continue
            patterns = files.group(1).split()
            if any(re.search(r"music|cdtracks", p, re.I) for p in patterns) or any(
                fnmatch.fnmatch(name, Path(p).name) for p in patterns for name in music_names if "*" not in p
            ):
                found.append(lic.group(1).strip())
            elif patterns == ["*"]:
                fallback.append(lic.group(1).strip())
        names = found or fallback
        return " / ".join(dict.fromkeys(names)) or "see LICENCES.md"
    cc = _CC.search(copyright)
    if cc:
        return f"CC {cc.group(1).strip()} {cc.group(2)}"
    elements = _CC_ELEMENTS.search(copyright)
    if elements:
        return f"CC {elements.group(1).strip()}"
    gpl = _GPL.search(copyright)
    if gpl:
        return f"GPL-{gpl.group(1)}" + ("+" if "any later version" in copyright else "")
    return "see LICENCES.md"


def _clip_starts(track: Track, n: int) -> list[float]:
    """`n` clip starts spread over the track, skipping the first and last 10% (intros, fade-outs)."""
    lo, hi = 0.1 * track.duration, 0.9 * track.duration - CLIP_S
    if hi <= lo:
        return [max(0.0, (track.duration - CLIP_S) / 2)]
    return [round(float(x), 2) for x in np.linspace(lo, hi, n)]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def build_soundtracks(
    out: Path, cache: Path, seed: int, progress=None, packages: tuple[str, ...] = tuple(SOUNDTRACKS)
) -> tuple[list[ClipRecord], dict]:
    """Cut and write the clips of `packages`; return records and {package: (title, licence, copyright)}."""
    records: list[ClipRecord] = []
    licences: dict[str, tuple[str, str, str]] = {}
    for package in packages:
        soundtrack = SOUNDTRACKS[package]
        tracks = discover_tracks(soundtrack, cache)
        copyright = copyright_text(fetch_and_unpack(package, cache), package)
        licence = detect_licence(copyright, [t.path.name for t in tracks])
        licences[package] = (soundtrack.title, licence, copyright)
        per_track = {t.path: min(CLIPS_PER_TRACK, max(1, int(t.duration // (3 * CLIP_S)))) for t in tracks}
        while sum(per_track.values()) > CLIPS_PER_PACKAGE and max(per_track.values()) > 1:
            longest = max(per_track, key=lambda p: (per_track[p], str(p)))
            per_track[longest] -= 1
        split = SPLIT_OF_PACKAGE.get(package, "train")
        for t_index, track in enumerate(tracks):
            piece = f"{package}/{_slug(track.name)}"
            for c_index, start in enumerate(_clip_starts(track, per_track[track.path])):
                rng = np.random.default_rng([seed, 3, sum(map(ord, piece)), t_index, c_index])
                meta: dict[str, object] = {
                    "track": track.path.name,
                    "start_s": start,
                    "title": soundtrack.title,
                }
                if rng.random() < DEGRADED_SHARE:
                    meta["channel"] = draw_degradation(rng)
                rel = Path("soundtrack") / package / f"{_slug(track.name)}-{c_index}.flac"
                if not (out / rel).exists():
                    wave = read_segment(track.path, start, CLIP_S)
                    if "channel" in meta:
                        wave = apply_degradation(wave, SAMPLE_RATE, meta["channel"], rng)
                    write_clip(out / rel, wave)
                records.append(
                    ClipRecord(
                        path=str(rel),
                        source="soundtrack",
                        piece=piece,
                        group=package,
                        split=split,
                        moods=None,
                        genres=None,
                        valence=None,
                        arousal=None,
                        speech=0,
                        licence=f"{licence} ({soundtrack.title}, Debian package {package}; see LICENCES.md)",
                        duration=round(sf.info(str(out / rel)).duration, 2),
                        meta=meta,
                    )
                )
                if progress is not None:
                    progress.update(1)
    return records, licences
