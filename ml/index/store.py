"""A folder of index builds and the ``CURRENT`` pointer that names the one in service.

Layout::

    <root>/CURRENT                 the manifest (JSON) of the build in service, replaced with os.replace
    <root>/builds/<build>/...      one folder per build, written completely before it is published

A build is written into its own folder and published by writing a new ``CURRENT`` beside the old one and
``os.replace``-ing it: readers see the old manifest or the new one, never a mix, and a process that opened
the old build keeps its memory-mapped pages (an unlinked file lives until its last mapping goes). Readers
call :meth:`IndexStore.current` per query; it costs one ``stat`` of ``CURRENT`` and reopens only when the
pointer's inode or mtime changed, so web and worker processes follow rebuilds without a restart.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ml.index.protocol import VectorIndex, open_index

__all__ = ["IndexManifest", "IndexStore", "LoadedIndex"]

logger = logging.getLogger(__name__)

POINTER = "CURRENT"
BUILDS = "builds"


@dataclass(frozen=True)
class IndexManifest:
    """What a build holds: the backend, its folder, size and counts, and the caller's ``metadata`` (for
    the catalogue: the model version and the database watermark the build was read at)."""

    backend: str
    build: str
    dimensions: int
    items: int
    built_at: str  # ISO 8601, UTC
    build_seconds: float
    disk_bytes: int
    params: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    verified_at: str = ""  # last time a rebuild found nothing to change (ISO 8601, UTC)

    @property
    def built_at_datetime(self) -> datetime:
        return datetime.fromisoformat(self.built_at)

    @property
    def fresh_at(self) -> datetime:
        """When the build was last known to match its source: built, or verified unchanged since."""
        return datetime.fromisoformat(self.verified_at or self.built_at)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> IndexManifest:
        return cls(**json.loads(text))


@dataclass(frozen=True)
class LoadedIndex:
    """An opened build and its manifest, as served to one query."""

    manifest: IndexManifest
    index: VectorIndex


class IndexStore:
    """Builds under ``root`` and the process-wide cache of the one in service (thread-safe)."""

    def __init__(self, root: Path, *, keep_builds: int = 2):
        self.root = Path(root)
        self.keep_builds = keep_builds
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._loaded: LoadedIndex | None = None

    @property
    def pointer(self) -> Path:
        return self.root / POINTER

    def new_build_dir(self) -> Path:
        """A fresh, empty folder for a build (named so that builds sort by time)."""
        name = f"{datetime.now(UTC):%Y%m%dT%H%M%S.%f}-{uuid.uuid4().hex[:8]}"
        path = self.root / BUILDS / name
        path.mkdir(parents=True)
        return path

    def publish(self, manifest: IndexManifest) -> None:
        """Make ``manifest``'s build the one in service: write, fsync, then atomically replace CURRENT."""
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / f".{POINTER}.{os.getpid()}.{uuid.uuid4().hex[:8]}"
        with tmp.open("w") as out:
            out.write(manifest.to_json())
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.pointer)
        self.prune(keep=manifest.build)

    def read_manifest(self) -> IndexManifest | None:
        try:
            return IndexManifest.from_json(self.pointer.read_text())
        except FileNotFoundError:
            return None

    def build_path(self, build: str) -> Path:
        return self.root / BUILDS / build

    def current(self) -> LoadedIndex | None:
        """The build in service, opened once per process and reopened when CURRENT changes; None when
        there is no build or its files cannot be opened (the caller falls back to another backend)."""
        try:
            st = os.stat(self.pointer)
        except FileNotFoundError:
            return None
        key = (st.st_ino, st.st_mtime_ns, st.st_size)
        loaded = self._loaded
        if key == self._key:
            return loaded
        with self._lock:
            if key != self._key:
                self._loaded = self._open(loaded)
                self._key = key
            return self._loaded

    def forget(self) -> None:
        """Drop this process's cached build (tests; a fork that must not share a parent's handle)."""
        with self._lock:
            self._key, self._loaded = None, None

    def _open(self, previous: LoadedIndex | None) -> LoadedIndex | None:
        try:
            manifest = self.read_manifest()
            if manifest is None:
                return None
            if previous is not None and previous.manifest.build == manifest.build:
                return LoadedIndex(manifest, previous.index)  # only verified_at moved: keep the mapping
            index = open_index(manifest.backend, self.build_path(manifest.build))
            logger.info("opened %s index build %s (%d items)", manifest.backend, manifest.build, len(index))
            return LoadedIndex(manifest, index)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            logger.warning("index under %s cannot be opened (%s): falling back", self.root, exc)
            return None

    def prune(self, *, keep: str, grace_s: float = 300.0) -> list[str]:
        """Delete builds other than ``keep`` and the newest ``keep_builds - 1`` others, once older than
        ``grace_s`` (a reader may have read the old pointer and be about to open its folder)."""
        builds_root = self.root / BUILDS
        if not builds_root.is_dir():
            return []
        others = sorted((p for p in builds_root.iterdir() if p.name != keep), key=lambda p: p.name)
        spare = others[-(self.keep_builds - 1) :] if self.keep_builds > 1 else []
        removed = []
        now = time.time()
        for path in others:
            if path in spare or now - path.stat().st_mtime < grace_s:
                continue
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
        return removed

    def disk_bytes(self, build: str) -> int:
        return sum(p.stat().st_size for p in self.build_path(build).iterdir() if p.is_file())
