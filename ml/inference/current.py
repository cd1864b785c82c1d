"""Which bundle is the default: a folder of bundles and a one-line pointer file naming the current one.

    <bundles root>/moodmix-v1/        the trained base bundle
    <bundles root>/moodmix-v1-ft1/    a fine-tuned successor (written by `manage.py train_from_editors`)
    <bundles root>/CURRENT            "moodmix-v1-ft1": the bundle `default_bundle_dir()` returns

The root is `$MOODMIX_BUNDLES_ROOT`, else `ml/bundles`. Without a pointer the default is the root's
`moodmix-v1`. `$MOODMIX_BUNDLE_DIR` names a bundle folder outright and wins over the pointer (pin a
deployment to one bundle). Promoting is replacing the pointer atomically (`os.replace`), so a reader sees
the old name or the new one, never half a file; rolling back is pointing at the previous folder again.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "BUNDLE_DIR_ENV",
    "BUNDLES_ROOT_ENV",
    "DEFAULT_BUNDLE_NAME",
    "POINTER_FILE",
    "bundles_root",
    "default_bundle_dir",
    "point_default_at",
]

BUNDLE_DIR_ENV = "MOODMIX_BUNDLE_DIR"
BUNDLES_ROOT_ENV = "MOODMIX_BUNDLES_ROOT"
DEFAULT_BUNDLE_NAME = "moodmix-v1"
# Without a pointer, the newest shipped base bundle present in the root, newest first (moodmix-v2.5:
# v2.4, all 40 level-2 moods with key profiles and a major/minor head, the profiles fitted to the mode
# first and a fresh valence/arousal head; docs/model-card.md); moodmix-v2.2 is shipped beside them but
# was never a default. A root holding only moodmix-v1 (tests, older deployments) keeps it.
SHIPPED_BUNDLE_NAMES = (
    "moodmix-v2.5",
    "moodmix-v2.4",
    "moodmix-v2.3",
    "moodmix-v2.1",
    "moodmix-v2",
    DEFAULT_BUNDLE_NAME,
)
POINTER_FILE = "CURRENT"


def bundles_root() -> Path:
    """The folder holding bundle folders and the pointer: `$MOODMIX_BUNDLES_ROOT`, else `ml/bundles`."""
    override = os.environ.get(BUNDLES_ROOT_ENV)
    return Path(override) if override else Path(__file__).resolve().parent.parent / "bundles"


def default_bundle_dir() -> Path:
    """The default bundle's folder: `$MOODMIX_BUNDLE_DIR`, else the root's bundle named by its `CURRENT`
    pointer, else the root's newest shipped base bundle (`SHIPPED_BUNDLE_NAMES`: moodmix-v2.5, else
    moodmix-v2.4, moodmix-v2.3, moodmix-v2.1, moodmix-v2, moodmix-v1). Read on every call, so a
    promotion applies at once."""
    override = os.environ.get(BUNDLE_DIR_ENV)
    if override:
        return Path(override)
    root = bundles_root()
    pointer = root / POINTER_FILE
    name = pointer.read_text().strip() if pointer.is_file() else ""
    if name:
        return root / name
    present = [shipped for shipped in SHIPPED_BUNDLE_NAMES if (root / shipped).is_dir()]
    return root / (present[0] if present else DEFAULT_BUNDLE_NAME)


def point_default_at(directory: str | os.PathLike) -> Path:
    """Make the bundle folder `directory` (a direct child of `bundles_root()`) the default, atomically.

    Returns the pointer file. Raises ValueError for a folder elsewhere: the pointer holds a name, so that
    the whole root can move (a volume mounted elsewhere) without breaking it.
    """
    root = bundles_root().resolve()
    directory = Path(directory).resolve()
    if directory.parent != root:
        raise ValueError(f"{directory} is not a bundle folder directly inside the bundles root {root}")
    pointer = root / POINTER_FILE
    partial = root / f".{POINTER_FILE}.partial"
    partial.write_text(directory.name + "\n")
    os.replace(partial, pointer)
    return pointer
