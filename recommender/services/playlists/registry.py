"""The registry of playlist strategies (Funkwhale's radios pattern): ``@strategies.register("mood")``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

__all__ = ["Registry", "strategies"]

T = TypeVar("T")


class Registry:
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, object] = {}

    def register(self, name: str) -> Callable[[T], T]:
        def add(item: T) -> T:
            if name in self._items:
                raise ValueError(f"{self.kind} {name!r} registered twice")
            self._items[name] = item
            return item

        return add

    def get(self, name: str):
        try:
            return self._items[name]
        except KeyError:
            raise KeyError(f"unknown {self.kind} {name!r}; known: {', '.join(sorted(self._items))}") from None

    def names(self) -> list[str]:
        return list(self._items)


strategies = Registry("playlist strategy")
