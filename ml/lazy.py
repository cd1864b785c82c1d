"""Package attributes imported on first use (PEP 562), so light names stay light.

The web process imports `ml.audio` (decoding, probing) and `ml.inference` (prediction records, the
bundle folder) but never runs a model; importing torch there cost about 250 MB and 2 s per process.
A package lists its heavy names with the module that defines them; the first access imports it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_attributes"]


def lazy_attributes(package: str, names: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` resolving each of `names` (attribute -> defining module) on first use."""

    def __getattr__(name: str) -> Any:
        if name not in names:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(names[name]), name)

    return __getattr__
