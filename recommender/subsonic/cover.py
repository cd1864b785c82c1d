"""Generated cover art: a diagonal gradient between a track's two strongest mood-family colours.

Moodmix stores no artwork, and a cover that shows a track's mood is more useful in a client's grid than
a placeholder. PNG (not SVG) because mobile clients decode only raster images; written with zlib, as a
gradient needs no imaging library.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

from catalog.models import Track
from catalog.services.listing import row_tags

__all__ = ["DEFAULT_SIZE", "cover_png", "track_colours"]

DEFAULT_SIZE = 300
MIN_SIZE, MAX_SIZE = 16, 1200
NEUTRAL = ("#6B6B7B", "#2E2E38")
"""Colours of a track with no mood scores yet (pending analysis)."""


def track_colours(track: Track) -> tuple[str, str]:
    families = row_tags([track])[track.pk].families
    colours = [tag.term.colour for tag in families if tag.term.colour]
    if not colours:
        return NEUTRAL
    return colours[0], colours[1] if len(colours) > 1 else _darker(colours[0])


def cover_png(colours: tuple[str, str], size: int | None = None) -> bytes:
    size = DEFAULT_SIZE if size is None else max(MIN_SIZE, min(size, MAX_SIZE))
    first, second = (np.array(_rgb(c), dtype=np.float32) for c in colours)
    ramp = np.add.outer(np.arange(size), np.arange(size)) / max(
        2 * size - 2, 1
    )  # 0 top-left .. 1 bottom-right
    pixels = (first * (1 - ramp[..., None]) + second * ramp[..., None]).round().astype(np.uint8)
    return _png(pixels)


def _png(pixels: np.ndarray) -> bytes:
    height, width, _ = pixels.shape
    rows = np.concatenate([np.zeros((height, 1), np.uint8), pixels.reshape(height, width * 3)], axis=1)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows.tobytes(), 6))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _darker(colour: str) -> str:
    return "#" + "".join(f"{int(c * 0.45):02X}" for c in _rgb(colour))
