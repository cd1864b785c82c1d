"""The demo soundtracks the tests use: real recordings (Ogg Vorbis from Debian's game soundtrack packages,
copied and tagged by ``ml.corpus.demo``), kept outside the checkout.

Where they are: ``$MOODMIX_DEMO_AUDIO`` when set; otherwise ``${MOODMIX_CACHE:-~/.cache/moodmix}/demo-audio``
(what ``python -m tests.demo_audio`` fills, and ``.ci/run`` runs it) or, failing that, ``var/demo-audio``
(``make demo``'s catalogue). Tests that need them skip with :data:`NO_DEMO_AUDIO` when there are none;
CI fetches them first, so there they run.

    .venv/bin/python -m tests.demo_audio      # idempotent: a folder already filled is left as it is
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("pushover-data", "singularity-music")
"""The two smallest soundtrack packages (32 and 52 MB to download): Ogg Vorbis at 44.1 and 48 kHz."""
COUNT = 8
AUDIO_SUFFIXES = {".ogg", ".opus", ".mp3", ".flac"}
NO_DEMO_AUDIO = "no demo audio: run `scripts/demo-audio.sh` (or set MOODMIX_DEMO_AUDIO to a folder of them)"

__all__ = ["NO_DEMO_AUDIO", "demo_audio_dir", "demo_files", "fetch", "shortest_demo_files"]


def _cache_folder() -> Path:
    cache = os.environ.get("MOODMIX_CACHE") or Path.home() / ".cache" / "moodmix"
    return Path(cache).expanduser() / "demo-audio"


def _audio_in(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in AUDIO_SUFFIXES and ".part" not in p.name)


def demo_audio_dir() -> Path:
    """The folder the demo soundtracks are read from (and fetched into when none holds any)."""
    if os.environ.get("MOODMIX_DEMO_AUDIO"):
        return Path(os.environ["MOODMIX_DEMO_AUDIO"]).expanduser()
    for folder in (_cache_folder(), ROOT / "var" / "demo-audio"):
        if _audio_in(folder):
            return folder
    return _cache_folder()


def demo_files() -> list[Path]:
    """The demo soundtrack files, by name (empty when none has been fetched)."""
    return _audio_in(demo_audio_dir())


def shortest_demo_files(count: int, *, distinct_rates: bool = False) -> list[Path]:
    """The ``count`` shortest demo files (fewer when fewer are there), shortest first; with
    ``distinct_rates`` the shortest at each sample rate, so that each takes another resampling path."""
    import soundfile as sf

    infos = {path: sf.info(str(path)) for path in demo_files()}
    ranked = sorted((info.duration, info.samplerate, path) for path, info in infos.items())
    chosen, rates = [], set()
    for _, rate, path in ranked:
        if not (distinct_rates and rate in rates):
            rates.add(rate)
            chosen.append(path)
    return chosen[:count]


def fetch(out: Path | None = None, count: int = COUNT) -> list[Path]:
    """Fill ``out`` (default :func:`demo_audio_dir`) with ``count`` demo tracks of :data:`PACKAGES`,
    downloading the packages into the corpus cache if needed; nothing to do when it already holds them."""
    out = out or demo_audio_dir()
    present = _audio_in(out)
    if len(present) >= count:
        return present
    from ml.corpus.demo import demo_tracks

    return demo_tracks(out, count, packages=PACKAGES)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, help="default: where the tests look (see above)")
    parser.add_argument("--count", type=int, default=COUNT)
    args = parser.parse_args()
    files = fetch(args.out, args.count)
    print(f"{len(files)} demo soundtrack files in {(args.out or demo_audio_dir())}")


if __name__ == "__main__":
    main()
