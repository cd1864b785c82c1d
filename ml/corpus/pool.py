"""Unlabelled real music for self-supervised learning: the pool of Debian game soundtracks.

Only packages that `docs/training-data.md` (shared) allows for training are listed. Each is fetched with
`apt-get download PKG=VERSION` and unpacked with `dpkg -x` into the cache (never git); music files of at
least MIN_TRACK_S seconds under the package's music folder become pool tracks, each with the licence
detected from the package's copyright file. The pool has no labels: two crops of one track are a
positive pair for the contrastive loss, other tracks in the batch its negatives.

Two packages are held out as validation soundtracks (`POOL_VAL`): their tracks never enter the SSL
pool and join the corpus's validation soundtrack groups, so selection can see same-soundtrack retrieval
on more than one unseen package.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

import soundfile as sf

from ml.corpus.debian import cache_dir, copyright_text
from ml.corpus.soundtracks import AUDIO_SUFFIXES, detect_licence

__all__ = ["POOL", "POOL_VAL", "PoolTrack", "build_pool", "fetch_pinned", "read_pool"]

MIN_TRACK_S = 30.0


@dataclass(frozen=True)
class PoolPackage:
    package: str
    version: str
    folder: str
    exclude: tuple[str, ...] = ()
    # Files of the music folder without an audio extension that are audio by content (blobwars).
    any_suffix: bool = False


# Sized for a few hours of music without the 250-860 MB downloads (naev, berusky2, redeclipse,
# unknown-horizons, freecol, freeorion are left out for download size only).
POOL: dict[str, PoolPackage] = {
    p.package: p
    for p in (
        PoolPackage("blobwars-data", "2.00-2", "usr/share/games/blobwars/music", any_suffix=True),
        PoolPackage("marsshooter-data", "0.7.6-7", "usr/share/games/marsshooter/audio/music"),
        PoolPackage("trackballs-data", "1.3.4-1", "usr/share/games/trackballs/music"),
        PoolPackage("warmux-data", "1:11.04.1+repack2-4", "usr/share/games/warmux/music/ingame", ("Apnee2",)),
        PoolPackage("wizznic-data", "0.9.9+dfsg-1", "usr/share/games/wizznic/packs/000_wizznic/music"),
        PoolPackage("davegnukem-data", "1.0.3-4", "usr/share/games/davegnukem/music/eric_matyas"),
        PoolPackage("zaz-data", "1.0.1-1", "usr/share/games/zaz"),
        PoolPackage("wordwarvi-sound", "1.0.4-2", "usr/share/wordwarvi/sounds"),
        PoolPackage("lordsawar-data", "0.3.2+frogknows-1", "usr/share/games/lordsawar/music"),
        PoolPackage("adonthell-data", "0.3.8-1", "usr/share/games/adonthell/games/wastesedge/audio"),
        PoolPackage("noiz2sa-data", "0.51a-13", "usr/share/games/noiz2sa/sounds"),
        PoolPackage("hex-a-hop-data", "1.1.0+git20140926-1.1", "usr/share/games/hex-a-hop/hex-a-hop"),
        PoolPackage("neverball-common", "1.6.0+git20180603-3", "usr/share/games/neverball/bgm"),
        PoolPackage("amoebax-data", "0.2.1+dfsg-6", "usr/share/games/amoebax/music"),
        PoolPackage("pathological", "1.1.3-17", "usr/share/games/pathological/music"),
        PoolPackage("gigalomania-data", "1.0+ds1-1.1", "usr/share/gigalomania/music"),
        PoolPackage("angrydd", "1.0.1-14", "usr/share/games/angrydd/music"),
    )
}

# Held out of SSL, used as validation soundtrack groups (two unseen packages for model selection).
POOL_VAL = ("wizznic-data", "lordsawar-data")


@dataclass(frozen=True)
class PoolTrack:
    package: str
    path: str
    duration: float
    licence: str
    split: str  # "ssl" (self-supervised training) or "val"


def fetch_pinned(package: str, version: str, cache: Path, timeout: float | None = None) -> Path:
    """Download PKG=VERSION into the cache and unpack it (once); return the unpacked root. Raises
    RuntimeError when apt-get fails and subprocess.TimeoutExpired after `timeout` seconds."""
    target = cache / "unpacked" / package
    done = target / ".unpacked"
    if done.exists():
        return target
    debs_dir = cache / "debs"
    debs_dir.mkdir(parents=True, exist_ok=True)
    debs = sorted(debs_dir.glob(f"{package}_*.deb"))
    if not debs:
        proc = subprocess.run(
            ["apt-get", "download", f"{package}={version}"],
            cwd=debs_dir,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        debs = sorted(debs_dir.glob(f"{package}_*.deb"))
        if proc.returncode != 0 or not debs:
            raise RuntimeError(f"apt-get download {package}={version} failed: {proc.stderr.strip()[-300:]}")
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(["dpkg", "-x", str(debs[-1]), str(target)], check=True)
    done.write_text(debs[-1].name + "\n")
    return target


def _tracks_of(spec: PoolPackage, cache: Path) -> list[PoolTrack]:
    root = fetch_pinned(spec.package, spec.version, cache)
    copyright = copyright_text(root, spec.package)
    split = "val" if spec.package in POOL_VAL else "ssl"
    tracks = []
    for path in sorted((root / spec.folder).rglob("*")):
        if not path.is_file() or any(word in path.name for word in spec.exclude):
            continue
        if not (spec.any_suffix or path.name.lower().endswith(AUDIO_SUFFIXES)):
            continue
        try:
            duration = sf.info(str(path)).duration
        except (RuntimeError, sf.LibsndfileError):
            continue  # not audio (or a format libsndfile cannot read): not a pool track
        if duration >= MIN_TRACK_S:
            # Per file: DEP-5 copyright files often give different music files different licences.
            licence = detect_licence(copyright, [path.name])
            tracks.append(PoolTrack(spec.package, str(path), round(duration, 2), licence, split))
    return tracks


def build_pool(out: Path, cache: Path | None = None) -> list[PoolTrack]:
    """Fetch every pool package and write `out` (JSON lines, one track each, with its licence)."""
    cache = cache or cache_dir()
    tracks: list[PoolTrack] = []
    for spec in POOL.values():
        found = _tracks_of(spec, cache)
        print(
            f"{spec.package}: {len(found)} tracks, {sum(t.duration for t in found) / 60:.1f} min", flush=True
        )
        tracks += found
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(json.dumps(asdict(t)) + "\n" for t in tracks))
    return tracks


def read_pool(path: Path) -> list[PoolTrack]:
    return [PoolTrack(**json.loads(line)) for line in path.read_text().splitlines() if line.strip()]


def pool_summary(path: Path) -> dict:
    """What a model card records about the pool: tracks, hours and licences per package and split."""
    tracks = read_pool(path)
    packages: dict[str, dict] = {}
    for t in tracks:
        row = packages.setdefault(
            t.package,
            {
                "version": POOL[t.package].version,
                "split": t.split,
                "tracks": 0,
                "minutes": 0.0,
                "licences": [],
            },
        )
        row["tracks"] += 1
        row["minutes"] = round(row["minutes"] + t.duration / 60, 1)
        if t.licence not in row["licences"]:
            row["licences"].append(t.licence)
    return {
        "tracks": len(tracks),
        "hours_ssl": round(sum(t.duration for t in tracks if t.split == "ssl") / 3600, 2),
        "hours_val": round(sum(t.duration for t in tracks if t.split == "val") / 3600, 2),
        "packages": packages,
    }


def main(argv: list[str] | None = None) -> int:
    import argparse

    from ml.training.cache import WaveformCache

    parser = argparse.ArgumentParser(prog="python -m ml.corpus.pool", description=__doc__.split("\n")[0])
    parser.add_argument("pool", type=Path, nargs="?", default=Path("var/pool/pool.jsonl"))
    parser.add_argument(
        "--card", type=Path, help="record the pool (tracks, hours, licences) in this bundle's card"
    )
    args = parser.parse_args(argv)
    if args.card:
        card_path = args.card / "card.json"
        card = json.loads(card_path.read_text())
        card.setdefault("data", {})["ssl_pool"] = pool_summary(args.pool)
        card_path.write_text(json.dumps(card, indent=2) + "\n")
        return 0
    pool = build_pool(args.pool)
    print(f"{len(pool)} tracks, {sum(t.duration for t in pool) / 3600:.2f} h", flush=True)
    cache = WaveformCache(22050)
    for i, track in enumerate(pool):
        try:
            cache.get(track.path)
        except Exception as error:  # noqa: BLE001 - report and go on: one bad file must not stop the pool
            print(f"decode failed {track.path}: {error}", flush=True)
        if i % 20 == 0:
            print(f"decoded {i}/{len(pool)}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
