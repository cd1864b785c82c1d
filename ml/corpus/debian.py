"""Fetch Debian packages into the cache (`apt-get download`) and unpack them (`dpkg -x`), no install."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

__all__ = ["cache_dir", "fetch_and_unpack", "copyright_text"]


def cache_dir() -> Path:
    """${MOODMIX_CACHE:-~/.cache/moodmix}: downloads and unpacked packages live here, never in git."""
    return Path(os.environ.get("MOODMIX_CACHE", Path.home() / ".cache" / "moodmix")).expanduser()


def fetch_and_unpack(package: str, cache: Path | None = None) -> Path:
    """Return the folder `package` is unpacked in, downloading the .deb first if it is not cached.

    Raises RuntimeError when apt-get cannot fetch it (no network, or `apt-get update` never ran).
    """
    cache = cache or cache_dir()
    target = cache / "unpacked" / package
    done = target / ".unpacked"
    if done.exists():
        return target
    debs_dir = cache / "debs"
    debs_dir.mkdir(parents=True, exist_ok=True)
    debs = sorted(debs_dir.glob(f"{package}_*.deb"))
    if not debs:
        proc = subprocess.run(["apt-get", "download", package], cwd=debs_dir, capture_output=True, text=True)
        debs = sorted(debs_dir.glob(f"{package}_*.deb"))
        if proc.returncode != 0 or not debs:
            raise RuntimeError(f"apt-get download {package} failed: {proc.stderr.strip()[-300:]}")
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(["dpkg", "-x", str(debs[-1]), str(target)], check=True)
    done.write_text(debs[-1].name + "\n")
    return target


def copyright_text(unpacked: Path, package: str) -> str:
    path = unpacked / "usr" / "share" / "doc" / package / "copyright"
    return path.read_text(errors="replace") if path.exists() else ""
