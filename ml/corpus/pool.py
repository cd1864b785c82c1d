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

__all__ = ["POOL", "POOL_EXTENDED", "POOL_VAL", "PoolTrack", "build_pool", "fetch_pinned", "read_pool"]

MIN_TRACK_S = 30.0


@dataclass(frozen=True)
class PoolPackage:
    package: str
    version: str
    folder: str
    exclude: tuple[str, ...] = ()
    # Files of the music folder without an audio extension that are audio by content (blobwars).
    any_suffix: bool = False
    # A subfolder left out (plee-the-bear's instrument stems under sequencer/).
    exclude_folder: str = ""


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

# `--extended` (moodmix-v2.4 onwards) adds the other allowed packages whose music lies in a plain folder
# (the three inside zip archives are left out, and the three the release check listens to: a7xpg-data,
# rrootage-data, parsec47-data, tests/ml/test_default_bundle_spread.py): 5.9 h more, about 2 GB of
# downloads. The files were surveyed by name and length, none listened to; instrument stems and ambience
# are excluded.
POOL_EXTENDED: dict[str, PoolPackage] = {
    p.package: p
    for p in (
        PoolPackage("naev-data", "0.8.2-1", "usr/share/naev/dat/snd/music"),
        PoolPackage("berusky2-data", "0.12-2", "usr/share/games/berusky2/music"),
        PoolPackage("unknown-horizons", "2019.1-6", "usr/share/unknown-horizons/content/audio/music"),
        PoolPackage("redeclipse-data", "1.6.0-1", "usr/share/games/redeclipse/data/sounds/music"),
        PoolPackage("freecol", "1.0.0-1", "usr/share/games/freecol/default/resources/music/default"),
        PoolPackage("freeorion-data", "0.4.10.2-1", "usr/share/games/freeorion/default/data/sound"),
        PoolPackage("btanks-data", "0.9.8083-9", "usr/share/games/btanks/data/tunes", ("ambient",)),
        PoolPackage("pinball-data", "0.3.20201218-4", "usr/share/games/pinball/professor"),
        PoolPackage(
            "plee-the-bear-data",
            "0.6.0-8",
            "usr/share/games/plee-the-bear/music",
            exclude=("rain",),
            exclude_folder="sequencer",
        ),
        PoolPackage("tuxmath-data", "2.0.3-9", "usr/share/tuxmath/sounds"),
        PoolPackage(
            "scorched3d-data", "44+dfsg-8", "usr/share/games/scorched3d/data/globalmods/none/data/music"
        ),
        PoolPackage("mu-cade-data", "0.11.dfsg1-13", "usr/share/games/mu-cade/sounds/musics"),
        PoolPackage("pax-britannica-data", "1.0.0-5", "usr/share/pax-britannica/audio"),
        PoolPackage("seahorse-adventures", "1.1+dfsg-6", "usr/share/games/seahorse-adventures/data/music"),
        PoolPackage("tumiki-fighters-data", "0.2.dfsg1-10", "usr/share/games/tumiki-fighters/sounds"),
        PoolPackage("torus-trooper-data", "0.22.dfsg1-13", "usr/share/games/torus-trooper/sounds/musics"),
        PoolPackage("renpy-demo", "8.0.3+dfsg-1", "usr/share/games/renpy/demo/game"),
        PoolPackage("performous", "1.1+git20181118-6", "usr/share/games/performous/themes/default"),
        PoolPackage("mazeofgalious-data", "0.62.dfsg2-4.1", "usr/share/games/mazeofgalious/sound/jorito"),
        PoolPackage("titanion-data", "0.3.dfsg1-8", "usr/share/games/titanion/sounds/musics"),
        PoolPackage("gunroar-data", "0.15.dfsg1-10", "usr/share/games/gunroar/sounds/musics"),
        PoolPackage("searchandrescue-data", "1.3.0-1.1", "usr/share/games/searchandrescue/music"),
        PoolPackage("brainparty-data", "0.61+dfsg-7", "usr/share/games/brainparty"),
        PoolPackage("hannah-data", "1.0-3.3", "usr/share/games/hannah"),
        PoolPackage(
            "orbital-eunuchs-sniper-data", "1.30+svn20070601-4.1", "usr/share/games/orbital_eunuchs_sniper"
        ),
        PoolPackage("funnyboat", "1.5-11", "usr/share/games/funnyboat/data"),
        PoolPackage("lugaru-data", "1.2-6", "usr/share/games/lugaru/Sounds", ("Ambient", "Wind")),
        PoolPackage("pink-pony-data", "1.4.1-3.1", "usr/share/games/pink-pony/music"),
        PoolPackage("glob2-data", "0.9.4.4-6", "usr/share/games/glob2/data/zik"),
        PoolPackage("abe-data", "1.1+dfsg-5", "usr/share/games/abe/sounds"),
        PoolPackage("toppler", "1.3-1", "usr/share/games/toppler"),
        PoolPackage("csmash-demosong", "1.4+nmu2", "usr/share/games/csmash"),
        PoolPackage("caveexpress-data", "2.5.2-1", "usr/share/games/caveexpress/sounds"),
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
        if spec.exclude_folder and spec.exclude_folder in path.relative_to(root / spec.folder).parts[:-1]:
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


def build_pool(out: Path, cache: Path | None = None, *, extended: bool = False) -> list[PoolTrack]:
    """Fetch every pool package (`POOL`, and `POOL_EXTENDED` when `extended`) and write `out` (JSON lines,
    one track each, with its licence)."""
    cache = cache or cache_dir()
    tracks: list[PoolTrack] = []
    for spec in [*POOL.values(), *(POOL_EXTENDED.values() if extended else ())]:
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
    specs = {**POOL, **POOL_EXTENDED}
    packages: dict[str, dict] = {}
    for t in tracks:
        row = packages.setdefault(
            t.package,
            {
                "version": specs[t.package].version,
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
    parser.add_argument(
        "--extended", action="store_true", help="add POOL_EXTENDED (5.9 h more, about 2 GB of downloads)"
    )
    args = parser.parse_args(argv)
    if args.card:
        card_path = args.card / "card.json"
        card = json.loads(card_path.read_text())
        card.setdefault("data", {})["ssl_pool"] = pool_summary(args.pool)
        card_path.write_text(json.dumps(card, indent=2) + "\n")
        return 0
    pool = build_pool(args.pool, extended=args.extended)
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
