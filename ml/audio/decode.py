"""Decoding files to mono float32 waveforms at the contract's sample rate, and cheap probing.

soundfile (libsndfile 1.2: WAV, FLAC, OGG/Vorbis, MP3) reads first, seeking straight to `offset`;
only containers it cannot open fall back to librosa's audioread path (M4A/AAC and friends need ffmpeg on
the host). Resampling uses soxr at high quality (`librosa.resample(res_type="soxr_hq")`).

A partly decodable file (a damaged download: the header and first seconds are fine, then garbage) is
``undecodable``, whichever decoder reads it and whether or not ffmpeg is installed: libsndfile's error in
the middle of a file it opened is final (ffmpeg would skip the damage and return whatever it could), and
an audioread decode that ends well before the duration the container announces is refused the same way.
Analysing half a song would store moods, loudness and a duration that describe a different recording.
"""

from __future__ import annotations

import math
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import librosa
import mutagen
import numpy as np
import soundfile as sf
import soxr

from ml.audio.errors import AudioError

__all__ = ["AudioInfo", "SILENCE_PEAK", "check_wave", "load_audio", "probe"]

# A peak below this (about -80 dBFS) is digital silence or dither: nothing a listener would call music.
SILENCE_PEAK = 1e-4

# How much shorter than its header's duration a full audioread decode may be before it counts as truncated:
# encoder padding and header rounding stay well below this.
TRUNCATION_TOLERANCE_S = 1.0
TRUNCATION_TOLERANCE_FRACTION = 0.02

PathLike = str | os.PathLike


@dataclass(frozen=True)
class AudioInfo:
    """What `probe` learns from a file's header: duration in seconds, native sample rate in Hz,
    channel count, and the container format as a lower-case name ("wav", "flac", "mp3", "mp4", ...)."""

    duration: float
    sample_rate: int
    channels: int
    format: str


def probe(path: PathLike) -> AudioInfo:
    """Read the header of `path` without decoding the audio.

    Raises FileNotFoundError if there is no such file, AudioError("empty") for a zero-byte file or a
    header announcing no samples, AudioError("undecodable") when neither libsndfile nor mutagen
    recognises the container.
    """
    path = _existing_file(path)
    try:
        info = sf.info(str(path))
        facts = AudioInfo(float(info.duration), int(info.samplerate), int(info.channels), info.format.lower())
        frames = info.frames
    except (sf.SoundFileError, RuntimeError):
        facts, frames = _probe_with_mutagen(path), None
    if frames == 0 or facts.duration <= 0:
        raise AudioError("empty", f"{path.name} holds no audio samples")
    return facts


def _probe_with_mutagen(path: Path) -> AudioInfo:
    try:
        tagged = mutagen.File(str(path))
    except mutagen.MutagenError as exc:
        raise AudioError("undecodable", f"{path.name} is not a readable audio file: {exc}") from exc
    info = getattr(tagged, "info", None)
    if info is None or not getattr(info, "sample_rate", None):
        raise AudioError("undecodable", f"{path.name} is not in an audio format Moodmix can read")
    return AudioInfo(
        duration=float(info.length),
        sample_rate=int(info.sample_rate),
        channels=int(getattr(info, "channels", 1) or 1),
        format=type(tagged).__name__.lower(),
    )


def load_audio(
    path: PathLike, sample_rate: int = 22050, offset: float = 0.0, duration: float | None = None
) -> np.ndarray:
    """Decode `path` from `offset` seconds for `duration` seconds (None: to the end) into a 1-D float32
    mono waveform at `sample_rate` Hz (channels averaged, soxr resampling).

    Raises FileNotFoundError if there is no such file, and AudioError with code "undecodable" (no decoder
    reads it, or it holds non-finite samples), "empty" (no samples in the requested span) or "silent"
    (peak below `SILENCE_PEAK` in the requested span).
    """
    if offset < 0 or (duration is not None and duration <= 0):
        raise ValueError(f"offset must be >= 0 and duration > 0 or None (got {offset}, {duration})")
    path = _existing_file(path)
    try:
        handle = sf.SoundFile(str(path))
    except (sf.SoundFileError, RuntimeError):
        wave, native_rate = _read_audioread(path, offset, duration)
        if native_rate != sample_rate and wave.size:
            try:
                wave = librosa.resample(wave, orig_sr=native_rate, target_sr=sample_rate, res_type="soxr_hq")
            except Exception as exc:  # noqa: BLE001 - a decoder's odd output is the file's fault, not ours
                raise AudioError("undecodable", f"{path.name} decoded to unusable samples: {exc}") from exc
    else:
        with handle:
            wave = _read_soundfile(handle, path, offset, duration, sample_rate)
    return check_wave(wave, what=path.name)


def check_wave(wave: np.ndarray, *, what: str = "the waveform") -> np.ndarray:
    """Validate a decoded mono waveform and return it as contiguous float32.

    Raises ValueError if it is not 1-D, AudioError("empty") with no samples, AudioError("undecodable")
    with NaN/inf samples, AudioError("silent") if its peak is below `SILENCE_PEAK`.
    """
    wave = np.ascontiguousarray(wave, dtype=np.float32)
    if wave.ndim != 1:
        raise ValueError(f"expected a 1-D mono waveform, got shape {wave.shape}")
    if wave.size == 0:
        raise AudioError("empty", f"{what} holds no audio samples")
    if not np.isfinite(wave).all():
        raise AudioError("undecodable", f"{what} decodes to non-finite samples")
    peak = float(np.abs(wave).max())
    if peak < SILENCE_PEAK:
        raise AudioError("silent", f"{what} is silent (peak {peak:.1e} is below {SILENCE_PEAK:.0e})")
    return wave


def _existing_file(path: PathLike) -> Path:
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no audio file at {path}")
    if path.stat().st_size == 0:
        raise AudioError("empty", f"{path.name} is an empty file (0 bytes)")
    return path


# Frames decoded per read: 2**18 stereo float32 frames is 2 MB. Each block is mixed down and resampled
# as it is read (soxr's streaming resampler gives the same samples as a one-shot `librosa.resample`, and
# the same length after librosa's `fix_length`), so a long file never exists in memory at its native
# rate or channel count: a 20-minute 44.1 kHz stereo mp3 peaks at its 106 MB output, not 420 MB.
_READ_BLOCK_FRAMES = 1 << 18


def _read_soundfile(
    handle: sf.SoundFile, path: Path, offset: float, duration: float | None, sample_rate: int
) -> np.ndarray:
    rate = handle.samplerate
    start = round(offset * rate)
    if handle.frames and start >= handle.frames:
        return np.zeros(0, dtype=np.float32)
    wanted = handle.frames - start if handle.frames else None
    if duration is not None:
        wanted = max(1, round(duration * rate)) if wanted is None else min(wanted, round(duration * rate))
    resampler = (
        None
        if rate == sample_rate
        else soxr.ResampleStream(rate, sample_rate, 1, dtype="float32", quality="HQ")
    )
    out, read = _Output(None if wanted is None else math.ceil(wanted * sample_rate / rate) + 64), 0
    try:
        if start:
            handle.seek(start)
        while wanted is None or read < wanted:
            count = _READ_BLOCK_FRAMES if wanted is None else min(_READ_BLOCK_FRAMES, wanted - read)
            data = handle.read(frames=count, dtype="float32", always_2d=True)
            if not len(data):
                break
            read += len(data)
            mono = _downmix(data)
            out.add(mono if resampler is None else resampler.resample_chunk(mono))
    except (sf.SoundFileError, RuntimeError) as exc:
        # libsndfile opened the container, so this is damage inside it, not an unknown format.
        raise AudioError(
            "undecodable",
            f"{path.name} is damaged: decoding stopped after {offset + read / rate:.1f} s of "
            f"{handle.frames / rate:.1f} s ({exc})",
        ) from exc
    if resampler is not None:
        out.add(resampler.resample_chunk(np.zeros(0, dtype=np.float32), last=True))
        # librosa.resample(fix=True): the output is exactly ceil(n * ratio) samples long.
        return librosa.util.fix_length(out.samples(), size=math.ceil(read * sample_rate / rate))
    return out.samples()


def _downmix(frames: np.ndarray) -> np.ndarray:
    """Mean over the channels of (frames, channels) float32, as `frames.mean(axis=1)` computes it
    (sum, then divide), channel by channel: numpy's reduction along the short, strided axis took 110 ms
    for a 3-minute stereo track, the column sums 12 ms (issue 13)."""
    mono = frames[:, 0].copy()
    for channel in range(1, frames.shape[1]):
        mono += frames[:, channel]
    mono /= np.float32(frames.shape[1])
    return mono


class _Output:
    """Decoded samples appended in place when the final length is known (no list of blocks to
    concatenate, which would hold the track twice), else collected and concatenated."""

    def __init__(self, capacity: int | None) -> None:
        self._buffer = np.empty(capacity, dtype=np.float32) if capacity is not None else None
        self._blocks: list[np.ndarray] = []
        self._filled = 0

    def add(self, block: np.ndarray) -> None:
        if self._buffer is not None and self._filled + len(block) <= len(self._buffer):
            self._buffer[self._filled : self._filled + len(block)] = block
        else:
            if self._buffer is not None:  # longer than announced: fall back to collecting
                self._blocks, self._buffer = [self._buffer[: self._filled]], None
            self._blocks.append(block)
        self._filled += len(block)

    def samples(self) -> np.ndarray:
        if self._buffer is not None:
            return self._buffer[: self._filled]
        return np.concatenate(self._blocks) if self._blocks else np.zeros(0, dtype=np.float32)


def _read_audioread(path: Path, offset: float, duration: float | None) -> tuple[np.ndarray, int]:
    # librosa.load retries soundfile (cheap failure) then audioread; its fallback warnings are expected here.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            warnings.simplefilter("ignore", FutureWarning)
            wave, rate = librosa.load(str(path), sr=None, mono=True, offset=offset, duration=duration)
    except Exception as exc:  # audioread raises a different class per backend; all mean "cannot decode"
        raise AudioError("undecodable", f"{path.name} could not be decoded as audio: {exc}") from exc
    if offset == 0 and duration is None:
        _refuse_truncated(path, decoded_s=wave.size / rate if rate else 0.0)
    return wave, int(rate)


def _refuse_truncated(path: Path, decoded_s: float) -> None:
    """ffmpeg skips damaged packets and exits 0: compare what it returned with the container's duration."""
    try:
        tagged = mutagen.File(str(path))
        announced = float(tagged.info.length) if tagged is not None else 0.0
    except Exception:  # noqa: BLE001 - no readable header: nothing to compare against
        return
    tolerance = max(TRUNCATION_TOLERANCE_S, TRUNCATION_TOLERANCE_FRACTION * announced)
    if announced and decoded_s < announced - tolerance:
        raise AudioError(
            "undecodable",
            f"{path.name} is damaged: only {decoded_s:.1f} s of {announced:.1f} s could be decoded",
        )
