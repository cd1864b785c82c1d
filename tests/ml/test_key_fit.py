"""Fitting the key-profile branch to the train split's modes before training (`ml.training.key_fit`)."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
import torch

from ml.audio import AudioContract, LogMel, frame_windows
from ml.models import build_model
from ml.training.cache import WaveformCache
from ml.training.key_fit import fit_key_profiles
from ml.training.labels import LabelSpace
from ml.training.manifest import ManifestEntry

CONTRACT = AudioContract(pitch_bins_per_octave=24, pitch_octaves=5)
MAJOR, MINOR = (0, 4, 7), (0, 3, 7)  # triads in semitones above the root


def progression(tonic: int, mode: int, seconds: float = 6.0) -> np.ndarray:
    """Tonic, subdominant and dominant triads of a key (major: I-IV-V; minor: i-iv-v), organ-like tones."""
    sr, chord_s = CONTRACT.sample_rate, seconds / 4
    t = np.arange(int(sr * chord_s)) / sr
    triad = MAJOR if mode else MINOR
    parts = []
    for degree in (0, 5, 7, 0):
        notes = [48 + tonic + degree + step for step in triad]
        tone = sum(
            np.sin(2 * np.pi * 440 * 2 ** ((n - 69) / 12) * h * t) / h for n in notes for h in (1, 2, 3)
        )
        parts.append(tone)
    wave = np.concatenate(parts)
    return (0.2 * wave / np.abs(wave).max()).astype(np.float32)


def clips(folder, keys, split: str) -> list[ManifestEntry]:
    entries = []
    for key in keys:
        for mode in (0, 1):
            path = folder / f"{split}-{key}-{mode}.flac"
            sf.write(path, progression(key, mode), CONTRACT.sample_rate)
            entries.append(
                ManifestEntry(
                    path,
                    "rendered",
                    f"{split}{key}{mode}",
                    "g",
                    split,
                    ("happy",),
                    ("rock",),
                    None,
                    None,
                    0,
                    "CC0",
                    6.0,
                    mode,
                )  # fmt: skip
            )
    return entries


def test_the_fit_teaches_the_networks_own_mode_head_the_mode_in_keys_it_never_heard(tmp_path):
    train, held_out = clips(tmp_path, range(0, 12, 2), "train"), clips(tmp_path, range(1, 12, 2), "val")
    model = build_model(
        "tf_cnn", n_moods=1, n_genres=1, n_mels=CONTRACT.n_features, pitch_bins=CONTRACT.n_pitch,
        key_profiles=4, mode_head=True,
    )  # fmt: skip
    cache = WaveformCache(CONTRACT.sample_rate, tmp_path / "cache")
    report = fit_key_profiles(model, train, LabelSpace(("happy",), ("rock",)), CONTRACT, cache, steps=200)
    assert report["windows"] > 0 and report["train_window_roc_auc"] > 0.95
    assert model.input_norm.running_var[-CONTRACT.n_pitch :].std() > 0  # the pitch rows' own statistics
    frontend, model, logits = LogMel(CONTRACT), model.eval(), {0: [], 1: []}
    with torch.no_grad():
        for e in held_out:
            windows = torch.from_numpy(frame_windows(cache.get(e.path), CONTRACT).astype(np.float32))
            logits[e.mode].append(model(frontend(windows))["mode"].mean().item())
    assert min(logits[1]) > max(logits[0])  # every unheard major key above every unheard minor one


def test_only_a_model_with_a_key_branch_can_be_fitted(tmp_path):
    model = build_model(
        "tf_cnn", n_moods=1, n_genres=1, n_mels=CONTRACT.n_features, pitch_bins=CONTRACT.n_pitch
    )
    with pytest.raises(ValueError, match="key-profile branch"):
        fit_key_profiles(
            model, [], LabelSpace(("happy",), ("rock",)), CONTRACT, WaveformCache(22050, tmp_path)
        )
