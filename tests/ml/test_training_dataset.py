"""Datasets: decoded once into the cache, random crops for training, every window for evaluation,
targets with "known" masks."""

import json
import os

import numpy as np
import pytest
import soundfile as sf
import torch

from ml.audio import AudioContract, frame_windows, load_audio
from ml.training.cache import WaveformCache
from ml.training.dataset import ClipWindows, TrainCrops, collate_windows
from ml.training.labels import LabelSpace
from ml.training.manifest import read_manifest

torch.set_num_threads(1)
SR = 22050
CONTRACT = AudioContract()


@pytest.fixture
def corpus(tmp_path):
    """Three clips: a 5 s ramp (every sample value unique, so a crop shows where it came from; moods
    known), a 2 s tone (moods unknown), 7 s of noise (speech)."""
    rng = np.random.default_rng(0)
    clips = {
        "ramp.wav": np.linspace(-0.5, 0.5, 5 * SR),
        "short.flac": 0.3 * np.sin(2 * np.pi * 220 * np.arange(2 * SR) / SR),
        "noise.wav": 0.1 * rng.standard_normal(7 * SR),
    }
    rows = [
        {"moods": ["happy"], "genres": ["pop"], "valence": 0.5, "arousal": 0.2, "speech": 0, "group": "g1"},
        {"moods": None, "genres": [], "valence": None, "arousal": None, "speech": 0, "group": "g1"},
        {"moods": ["sad"], "genres": None, "valence": -0.5, "arousal": -0.1, "speech": 1, "group": "g2"},
    ]
    lines = []
    for (name, wave), row in zip(clips.items(), rows, strict=True):
        sf.write(
            tmp_path / name, wave.astype(np.float32), SR, subtype="FLOAT" if name.endswith(".wav") else None
        )
        lines.append(
            {"path": name, "source": "rendered", "piece": name, "split": "train", "licence": "CC0",
             "duration": len(wave) / SR, **row}
        )  # fmt: skip
    (tmp_path / "manifest.jsonl").write_text("\n".join(json.dumps(line) for line in lines))
    entries = read_manifest(tmp_path / "manifest.jsonl")
    return entries, WaveformCache(SR, tmp_path / "cache")


def test_cache_decodes_once_and_matches_the_decoder(corpus):
    entries, cache = corpus
    wave = cache.get(entries[0].path)
    np.testing.assert_array_equal(wave, load_audio(entries[0].path, sample_rate=SR))
    files = list(cache.directory.rglob("*.npy"))
    assert len(files) == 1
    fresh = WaveformCache(SR, cache.directory)  # a new process sees the same cache entry
    assert isinstance(fresh.get(entries[0].path), np.memmap)
    assert list(cache.directory.rglob("*.npy")) == files


def test_cache_decodes_again_when_the_file_changes(corpus):
    entries, cache = corpus
    cache.get(entries[1].path)
    sf.write(entries[1].path, np.full(3 * SR, 0.25, dtype=np.float32), SR)
    os.utime(entries[1].path, ns=(1, 10**18))
    fresh = WaveformCache(SR, cache.directory)
    assert fresh.get(entries[1].path).size == 3 * SR
    assert len(list(cache.directory.rglob("*.npy"))) == 2


def test_train_crops_are_real_windows_reproducible_from_their_seed(corpus):
    entries, cache = corpus
    labels = LabelSpace.from_entries(entries)
    dataset = TrainCrops(entries, labels, CONTRACT, cache)
    item = dataset[(0, 123)]
    crop = item["wave"].numpy()
    assert crop.shape == (CONTRACT.window_samples,)
    wave = np.asarray(cache.get(entries[0].path))
    start = int(np.flatnonzero(wave == crop[0])[0])
    np.testing.assert_array_equal(wave[start : start + crop.size], crop)
    assert torch.equal(dataset[(0, 123)]["wave"], item["wave"])
    others = {float(dataset[(0, seed)]["wave"][0]) for seed in range(10)}
    assert len(others) > 1


def test_short_clips_are_zero_padded(corpus):
    entries, cache = corpus
    crop = TrainCrops(entries, LabelSpace.from_entries(entries), CONTRACT, cache)[(1, 0)]["wave"]
    assert crop.shape == (CONTRACT.window_samples,)
    assert torch.count_nonzero(crop[2 * SR :]) == 0 and torch.count_nonzero(crop[: 2 * SR]) > 0


def test_augmentation_is_applied_with_the_crop_seed(corpus):
    entries, cache = corpus
    labels = LabelSpace.from_entries(entries)
    double = TrainCrops(entries, labels, CONTRACT, cache, augment=lambda wave, rng: wave * 2)
    plain = TrainCrops(entries, labels, CONTRACT, cache)
    assert torch.allclose(double[(2, 5)]["wave"], 2 * plain[(2, 5)]["wave"])


def test_targets_and_known_masks(corpus):
    entries, cache = corpus
    labels = LabelSpace.from_entries(entries)
    assert labels.moods == ("happy", "sad") and labels.genres == ("pop",)
    dataset = TrainCrops(entries, labels, CONTRACT, cache)
    first, unknown, speech = (dataset[(i, 0)] for i in range(3))
    assert first["mood"].tolist() == [1.0, 0.0] and first["mood_known"] == 1
    assert unknown["mood_known"] == 0 and unknown["genre_known"] == 1 and unknown["genre"].tolist() == [0.0]
    assert unknown["va_known"] == 0 and first["va"].tolist() == pytest.approx([0.5, 0.2])
    assert speech["speech"] == 1 and speech["speech_known"] == 1 and speech["genre_known"] == 0
    assert first["group"] == unknown["group"] != speech["group"]


def test_clip_windows_are_the_inference_windows_and_collate_keeps_clip_ids(corpus):
    entries, cache = corpus
    dataset = ClipWindows(entries, LabelSpace.from_entries(entries), CONTRACT, cache)
    batch = collate_windows([dataset[i] for i in range(3)])
    expected = [frame_windows(np.asarray(cache.get(e.path)), CONTRACT) for e in entries]
    assert batch["windows"].shape == (sum(len(w) for w in expected), CONTRACT.window_samples)
    np.testing.assert_array_equal(batch["windows"].numpy(), np.concatenate(expected))
    assert batch["clip"].tolist() == [i for i, w in enumerate(expected) for _ in range(len(w))]
    assert batch["mood"].shape == (3, 2)


def test_cache_and_contract_must_agree_on_the_rate(corpus):
    entries, _ = corpus
    with pytest.raises(ValueError, match="sample rate"):
        TrainCrops(entries, LabelSpace.from_entries(entries), CONTRACT, WaveformCache(16000))
