"""The model bundle a process analyses with: loaded once per process, reloaded when its files change.

The folder is ``ml.inference.default_bundle_dir()``, read on every call: ``$MOODMIX_BUNDLE_DIR``, else
the bundle the ``CURRENT`` pointer of the bundles root names, else ``ml/bundles/moodmix-v1``. Workers call
:func:`current_bundle` for every track; loading (a few MB of weights, a model build) happens on the first
call and again only when the folder changes (a promotion moves the pointer) or its ``card.json`` or
``weights.pt`` is replaced, so a new bundle takes effect at the next track without restarting workers.
Bundle files are written atomically by ``ModelBundle.save`` (``os.replace``): no reader sees half a file.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ml.inference import default_bundle_dir
from ml.inference.files import CARD_FILE, WEIGHTS_FILE

if TYPE_CHECKING:
    from ml.inference import ModelBundle

__all__ = ["bundle_dir", "current_bundle", "current_model_version", "forget_bundle"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Loaded:
    key: tuple
    bundle: ModelBundle


_lock = threading.Lock()
_loaded: _Loaded | None = None


def bundle_dir() -> Path:
    """The folder of the bundle analyses use (read each call, so tests and deployments may repoint it)."""
    return default_bundle_dir()


def current_bundle() -> ModelBundle | None:
    """The bundle in :func:`bundle_dir`, loaded for this process (eval mode, CUDA if available), or None
    when the folder holds no bundle (a fresh install before ``make models``)."""
    global _loaded
    directory = bundle_dir()
    key = _files_key(directory)
    if key is None:
        return None
    from ml.inference import ModelBundle  # torch: only processes that analyse load it

    with _lock:
        if _loaded is None or _loaded.key != key:
            bundle = ModelBundle.load(directory)
            logger.info("loaded model bundle %s from %s on %s", bundle.version, directory, bundle.device)
            _loaded = _Loaded(key, bundle)
        return _loaded.bundle


def current_model_version() -> str | None:
    """The version named by the bundle's model card, without loading the weights; None without a bundle."""
    card = bundle_dir() / CARD_FILE
    if not card.is_file():
        return None
    return json.loads(card.read_text())["version"]


def forget_bundle() -> None:
    """Drop the cached bundle (frees its memory; the next :func:`current_bundle` loads it again)."""
    global _loaded
    with _lock:
        _loaded = None


def _files_key(directory: Path) -> tuple | None:
    """What identifies the bundle on disk: the folder and each file's inode, size and mtime."""
    try:
        stats = [(directory / name).stat() for name in (CARD_FILE, WEIGHTS_FILE)]
    except FileNotFoundError:
        return None
    return (str(directory.resolve()), *((s.st_ino, s.st_size, s.st_mtime_ns) for s in stats))
