"""A corpus of hostile and broken uploads, as hypothesis strategies: (file bytes, file name) pairs.

Audio is generated (sine, noise, silence, clipped) at odd sizes, rates and channel counts, then possibly
damaged (truncated, bit-flipped, emptied, a header claiming gigabytes, the wrong extension) or replaced
by something that is not audio at all; names are hostile on their own axis (path traversal, control
characters, 1,000 characters, no extension).
"""

from __future__ import annotations

import io
import struct

import numpy as np
import soundfile as sf
from hypothesis import strategies as st

FORMATS = {"wav": "WAV", "flac": "FLAC", "ogg": "OGG"}
RATES = [8000, 11025, 22050, 44100, 48000, 96000, 7350, 12345]  # the last two: odd rates
FLAC_RATES = [r for r in RATES if r <= 65535]


def render(kind: str, fmt: str, seconds: float, rate: int, channels: int) -> bytes:
    frames = max(1, round(seconds * rate))
    rng = np.random.default_rng(frames + rate + channels)
    t = np.arange(frames) / rate
    if kind == "silent":
        mono = np.zeros(frames)
    elif kind == "noise":
        mono = 0.3 * rng.standard_normal(frames)
    elif kind == "clipped":
        mono = np.clip(4.0 * np.sin(2 * np.pi * 220 * t), -1.0, 1.0)
    else:
        mono = 0.5 * np.sin(2 * np.pi * 440 * t)
    wave = np.repeat(mono[:, None], channels, axis=1).astype(np.float32)
    buffer = io.BytesIO()
    subtype = "VORBIS" if fmt == "ogg" else "PCM_16"
    sf.write(buffer, wave, rate, format=FORMATS[fmt], subtype=subtype)
    return buffer.getvalue()


@st.composite
def audio(draw) -> tuple[bytes, str]:
    fmt = draw(st.sampled_from(sorted(FORMATS)))
    rate = draw(st.sampled_from(FLAC_RATES if fmt != "wav" else RATES))
    if fmt == "ogg":
        rate = draw(st.sampled_from([8000, 22050, 44100, 48000]))  # libvorbis refuses odd rates
    channels = draw(st.sampled_from([1, 2, 6]))
    seconds = draw(st.sampled_from([0.01, 0.3, 1.2, 2.5]))
    kind = draw(st.sampled_from(["sine", "noise", "silent", "clipped"]))
    return render(kind, fmt, seconds, rate, channels), fmt


def _huge_header(data: bytes, ext: str) -> bytes:
    """A header that claims gigabytes: WAV RIFF/data sizes at their maximum, else a vast ID3v2 tag."""
    if ext == "wav" and data[:4] == b"RIFF":
        data = bytearray(data)
        data[4:8] = struct.pack("<I", 0xFFFFFFF0)
        at = data.find(b"data")
        if at >= 0:
            data[at + 4 : at + 8] = struct.pack("<I", 0xFFFFFFF0)
        return bytes(data)
    size = 0x0FFFFFFF  # ID3v2 "synchsafe" maximum: 256 MiB of tag before the audio
    synchsafe = bytes((size >> s) & 0x7F for s in (21, 14, 7, 0))
    return b"ID3\x04\x00\x00" + synchsafe + data


@st.composite
def damaged(draw) -> tuple[bytes, str]:
    data, ext = draw(audio())
    how = draw(st.sampled_from(["intact", "truncate", "bitflip", "empty", "huge-header", "wrong-extension"]))
    if how == "truncate":
        data = data[: draw(st.integers(0, max(0, len(data) - 1)))]
    elif how == "bitflip":
        data = bytearray(data)
        for at in draw(st.lists(st.integers(0, len(data) - 1), min_size=1, max_size=64)):
            data[at] ^= 1 << draw(st.integers(0, 7))
        data = bytes(data)
    elif how == "empty":
        data = b""
    elif how == "huge-header":
        data = _huge_header(data, ext)
    elif how == "wrong-extension":
        ext = draw(st.sampled_from([e for e in ("wav", "flac", "ogg", "mp3", "opus") if e != ext]))
    return data, ext


NOT_AUDIO = [
    (b"\x89PNG\r\n\x1a\n" + bytes(2000), "wav"),
    (b"PK\x03\x04" + bytes(5000), "mp3"),
    (b"%PDF-1.7\n" + b"x" * 3000, "flac"),
    (b"<html><script>alert(1)</script></html>", "ogg"),
    (b"RIFF\x24\x00\x00\x00WAVEfmt ", "wav"),  # a header and nothing after it
    (b"fLaC", "flac"),
    (b"OggS" + bytes(100), "ogg"),
    (b"\xff\xfb\x90\x00" * 10, "mp3"),
]


@st.composite
def not_audio(draw) -> tuple[bytes, str]:
    if draw(st.booleans()):
        return draw(st.sampled_from(NOT_AUDIO))
    return draw(st.binary(min_size=0, max_size=4096)), draw(
        st.sampled_from(["wav", "flac", "ogg", "mp3", "txt"])
    )


STEMS = [
    "song",
    "../../../../etc/passwd",
    "..\\..\\windows\\system32\\evil",
    "/absolute/path/song",
    "con\x00trol\x1b[31m\r\nname",
    "tab\tand\u202eright-to-left",
    "x" * 1000,
    "ü" * 400,
    "",
    ".hidden",
    "Artist - Title",
]


@st.composite
def uploads(draw) -> tuple[bytes, str]:
    data, ext = draw(st.one_of(damaged(), not_audio()))
    stem = draw(st.sampled_from(STEMS))
    name = draw(st.sampled_from([f"{stem}.{ext}", stem, f"{stem}.{ext}.exe", f"{stem}.{ext.upper()}"]))
    return data, name
