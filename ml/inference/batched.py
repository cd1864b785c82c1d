"""Batched inference: windows of one or many tracks -> one LogMel + forward pass per batch -> pooling.

Chunk, batch, pool: tracks are cut into the contract's fixed windows, windows from consecutive tracks
share forward passes, and each track's window scores are mean-pooled (`pool_windows`). Tracks are
decoded lazily, one at a time, and only the current batch of windows is ever materialised.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby, islice
from operator import itemgetter
from typing import TYPE_CHECKING

import numpy as np
import torch

from ml.audio import AudioContract, check_wave, load_audio, window_starts, windows_at
from ml.inference.prediction import TrackPrediction, WindowOutputs, pool_windows

if TYPE_CHECKING:
    from ml.inference.bundle import ModelBundle

__all__ = ["AudioItem", "predict_tracks"]

# A file path, or a 1-D float waveform already at the contract's sample rate.
AudioItem = str | os.PathLike | np.ndarray


@dataclass(eq=False)  # identity equality: groupby compares tracks, never their arrays
class _Track:
    n_samples: int
    starts: np.ndarray
    outputs: list[WindowOutputs] = field(default_factory=list)


def predict_tracks(
    bundle: ModelBundle, items: Iterable[AudioItem], *, batch_size: int
) -> list[TrackPrediction]:
    """Predict every item with `bundle`, `batch_size` windows per forward pass; see `ModelBundle.predict`."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    contract = bundle.contract
    tracks: list[_Track] = []
    stream = _windows(items, contract, tracks)
    was_training = bundle.model.training
    bundle.model.eval()
    try:
        with torch.inference_mode():
            while batch := list(islice(stream, batch_size)):
                _run_batch(bundle, batch)
    finally:
        bundle.model.train(was_training)
    return [_pool(bundle, track) for track in tracks]


def _run_batch(bundle: ModelBundle, batch: list[tuple[_Track, np.ndarray, int]]) -> None:
    """One LogMel + forward pass over a batch of windows; each track receives its slice of the outputs."""
    runs = []
    for track, run in groupby(batch, key=itemgetter(0)):
        entries = list(run)
        runs.append((track, windows_at(entries[0][1], [start for _, _, start in entries], bundle.contract)))
    outputs = _forward(bundle, np.concatenate([windows for _, windows in runs]))
    offset = 0
    for track, windows in runs:
        track.outputs.append({key: value[offset : offset + len(windows)] for key, value in outputs.items()})
        offset += len(windows)


def _forward(bundle: ModelBundle, windows: np.ndarray) -> WindowOutputs:
    device = bundle.device
    # The front end stays in float32 (mel power overflows float16); only the network is autocast.
    features = bundle.frontend(torch.from_numpy(windows).to(device, non_blocking=True))
    dtype = bundle.precision
    if dtype is None:
        heads = bundle.model(features)
    else:
        with torch.autocast(device.type, dtype=dtype):
            heads = bundle.model(features)
    probabilities = {key: torch.sigmoid(heads[key]) for key in ("mood", "genre", "speech")}
    selected = {**probabilities, "va": heads["va"], "embedding": heads["embedding"]}
    return {key: value.float().cpu().numpy() for key, value in selected.items()}


def _pool(bundle: ModelBundle, track: _Track) -> TrackPrediction:
    contract = bundle.contract
    prediction = pool_windows(
        {key: np.concatenate([chunk[key] for chunk in track.outputs]) for key in track.outputs[0]},
        starts_s=track.starts / contract.sample_rate,
        window_s=contract.window_seconds,
        duration=track.n_samples / contract.sample_rate,
        mood_labels=bundle.mood_labels,
        genre_labels=bundle.genre_labels,
        mood_families=bundle.mood_families,
        model_version=bundle.version,
    )
    # h12 (moodmix-v2): the bundle's stored track centring/whitening, L2-normalised last.
    prediction.embedding = bundle.finish_embedding(prediction.embedding)
    return prediction


def _windows(
    items: Iterable[AudioItem], contract: AudioContract, tracks: list[_Track]
) -> Iterator[tuple[_Track, np.ndarray, int]]:
    """(track, wave, window start) for every window of every item, decoding each item when reached."""
    for item in items:
        if isinstance(item, np.ndarray):
            wave = check_wave(item)
        else:
            wave = load_audio(item, sample_rate=contract.sample_rate)
        track = _Track(n_samples=wave.size, starts=window_starts(wave.size, contract))
        tracks.append(track)
        for start in track.starts:
            yield track, wave, int(start)
