"""Fine-tuning: `TrainConfig.init_from` starts training from a saved bundle and keeps what makes the new
bundle a drop-in replacement (architecture, parameters, audio contract, label order)."""

import json

import numpy as np
import pytest
import soundfile as sf
import torch

from ml.audio import AudioContract
from ml.inference import ModelBundle
from ml.train import main
from ml.training.config import TrainConfig
from ml.training.trainer import train

torch.set_num_threads(1)

SR = 22050
TINY = {"timbre_channels": 4, "rhythm_channels": 4, "mid_channels": 16, "mid_layers": 1, "feature_dim": 32}
# group -> (moods, genres): tones and noise bursts are easy to tell apart.
CLASSES = {"tone": (["calm"], ["ambient"]), "noise": (["tense"], ["metal"]), "hum": (["sad"], ["folk"])}


def _clip(kind: str, rng: np.random.Generator) -> np.ndarray:
    t = np.arange(int(3.5 * SR)) / SR
    if kind == "noise":
        return rng.standard_normal(t.size) * (np.sin(2 * np.pi * 3 * t) > 0)
    base = 440.0 if kind == "tone" else 110.0
    return np.sin(2 * np.pi * rng.uniform(0.9, 1.1) * base * t)


def _manifest(root, classes: dict, per_split: dict) -> str:
    rng = np.random.default_rng(0)
    lines = []
    for kind, (moods, genres) in classes.items():
        for split, count in per_split.items():
            for i in range(count):
                path = f"{kind}-{split}-{i}.wav"
                sf.write(root / path, (0.4 * _clip(kind, rng)).astype(np.float32), SR)
                lines.append({
                    "path": path, "source": "rendered", "piece": path, "group": kind, "split": split,
                    "moods": moods, "genres": genres, "valence": None, "arousal": None, "speech": 0,
                    "licence": "CC0", "duration": 3.5,
                })  # fmt: skip
    manifest = root / "manifest.jsonl"
    manifest.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return manifest


def _config(root, name: str, **overrides) -> TrainConfig:
    settings = dict(
        out_dir=root / name, work_dir=root / f"work-{name}", cache_dir=root / "cache", arch_params=TINY,
        embedding_dim=16, epochs=1, p_groups=2, k_clips=2, batches_per_epoch=2, augment="none",
        threads=1, progress=False, evaluate_test=False,
    )  # fmt: skip
    return TrainConfig(**{**settings, **overrides})


@pytest.fixture(scope="module")
def base_dir(tmp_path_factory):
    """A small trained bundle's folder."""
    root = tmp_path_factory.mktemp("base")
    train(_config(root, "base"), _manifest(root, CLASSES, {"train": 3, "val": 1}))
    return root / "base"


def test_fine_tuning_keeps_the_base_bundles_architecture_contract_and_label_order(base_dir, tmp_path):
    # The new data knows only two of the base's moods, and the config asks for another architecture:
    # both must give way to the bundle, or the heads would no longer match their labels.
    subset = {kind: CLASSES[kind] for kind in ("tone", "noise")}
    manifest = _manifest(tmp_path, subset, {"train": 2, "val": 1})
    config = _config(tmp_path, "ft", version="base-ft1", architecture="crnn", init_from=base_dir)

    base = ModelBundle.load(base_dir, device="cpu")
    tuned = train(config, manifest)

    assert tuned.architecture == base.architecture == "tf_cnn"
    assert tuned.arch_params == base.arch_params
    assert tuned.mood_labels == base.mood_labels == ["tense", "sad", "calm"]
    assert tuned.genre_labels == base.genre_labels
    assert tuned.contract == base.contract
    assert tuned.card_extra["fine_tuned_from"]["version"] == base.version
    reloaded = ModelBundle.load(tmp_path / "ft", device="cpu")
    assert reloaded.version == "base-ft1" and reloaded.mood_labels == base.mood_labels


def test_fine_tuning_starts_from_the_base_weights(base_dir, tmp_path):
    manifest = _manifest(tmp_path, CLASSES, {"train": 1, "val": 1})
    # With a zero learning rate no step moves a weight (AdamW's decay is scaled by the rate too), so the
    # result shows exactly where training started.
    tuned = train(_config(tmp_path, "ft", lr=0.0, init_from=base_dir), manifest)
    fresh = train(_config(tmp_path, "fresh", lr=0.0), manifest)

    base_weights = ModelBundle.load(base_dir, device="cpu").model.state_dict()
    # Running BatchNorm statistics move in any forward pass in train mode; the learned weights must not.
    learned = [name for name, w in base_weights.items() if w.is_floating_point() and "running" not in name]
    assert learned
    assert all(torch.equal(tuned.model.state_dict()[name].cpu(), base_weights[name]) for name in learned)
    assert not all(torch.equal(fresh.model.state_dict()[name].cpu(), base_weights[name]) for name in learned)


def test_fine_tuning_refuses_another_audio_contract(base_dir, tmp_path):
    manifest = _manifest(tmp_path, CLASSES, {"train": 1, "val": 1})
    with pytest.raises(ValueError, match="audio contract"):
        train(_config(tmp_path, "ft", init_from=base_dir), manifest, AudioContract(n_mels=64))


def test_cli_fine_tunes_with_init_from(base_dir, tmp_path):
    manifest = _manifest(tmp_path, CLASSES, {"train": 1, "val": 1})
    code = main([
        "--manifest", str(manifest), "--out", str(tmp_path / "ft"), "--work-dir", str(tmp_path / "work"),
        "--cache-dir", str(tmp_path / "cache"), "--epochs", "1", "--batches-per-epoch", "1",
        "--p-groups", "2", "--k-clips", "2", "--augment", "none", "--threads", "1", "--quiet",
        "--no-test-eval", "--version", "base-ft1", "--init-from", str(base_dir),
    ])  # fmt: skip
    card = json.loads((tmp_path / "ft" / "card.json").read_text())
    assert code == 0
    assert card["fine_tuned_from"] == {"version": "moodmix-v1", "path": str(base_dir)}
