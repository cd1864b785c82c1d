"""End to end: synthesise four classes of audio, train a small model with `train()`, and check that
it learned (held-out tagging ROC-AUC, triplet accuracy), that the bundle it wrote loads and predicts
the same, and that the CLI evaluates it."""

import json

import numpy as np
import pytest
import soundfile as sf

from ml.inference import ModelBundle
from ml.train import main
from ml.training.config import TrainConfig
from ml.training.trainer import train

SR = 22050
SECONDS = 4.0

# class -> (moods, genres, valence, arousal); the class name is the triplet group.
CLASSES = {
    "major": (["happy"], ["pop"], 0.8, 0.5),
    "minor": (["sad"], ["classical"], -0.6, -0.3),
    "noise": (["tense"], ["metal"], -0.5, 0.8),
    "clicks": (["groovy"], ["electronic"], 0.4, 0.3),
}
PER_SPLIT = {"train": 10, "val": 3, "test": 4}


def _note(freq: float, n: int, rng: np.random.Generator) -> np.ndarray:
    t = np.arange(n) / SR
    tone = sum(np.sin(2 * np.pi * freq * h * t + rng.uniform(0, 6.3)) / h**1.5 for h in range(1, 5))
    return tone * np.exp(-t * rng.uniform(1.0, 3.0))


def _chords(intervals: tuple[float, float, float], rng: np.random.Generator) -> np.ndarray:
    """A progression of triads (root 130-330 Hz), one chord every 0.5-1 s."""
    out, position = np.zeros(int(SECONDS * SR)), 0
    while position < out.size:
        length = min(int(rng.uniform(0.5, 1.0) * SR), out.size - position)
        root = rng.uniform(130, 330)
        out[position : position + length] = sum(_note(root * r, length, rng) for r in intervals)
        position += length
    return out


def _noise_bursts(rng: np.random.Generator) -> np.ndarray:
    out = np.zeros(int(SECONDS * SR))
    for start in rng.uniform(0, SECONDS - 0.3, size=rng.integers(6, 12)):
        length = int(rng.uniform(0.05, 0.3) * SR)
        begin = int(start * SR)
        out[begin : begin + length] += rng.standard_normal(length) * np.hanning(length)
    return out


def _clicks(rng: np.random.Generator) -> np.ndarray:
    out = np.zeros(int(SECONDS * SR))
    period = int(SR * 60 / rng.uniform(90, 150) / 2)
    click = np.exp(-np.arange(200) / 30.0) * np.sin(2 * np.pi * rng.uniform(1500, 3000) * np.arange(200) / SR)
    for begin in range(int(rng.integers(0, period)), out.size - 200, period):
        out[begin : begin + 200] += click * rng.uniform(0.5, 1.0)
    return out


GENERATORS = {
    "major": lambda rng: _chords((1.0, 5 / 4, 3 / 2), rng),
    "minor": lambda rng: _chords((1.0, 6 / 5, 3 / 2), rng),
    "noise": _noise_bursts,
    "clicks": _clicks,
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    rng = np.random.default_rng(0)
    lines = []
    for name, (moods, genres, valence, arousal) in CLASSES.items():
        for split, count in PER_SPLIT.items():
            for i in range(count):
                wave = GENERATORS[name](rng)
                wave = 0.5 * wave / np.abs(wave).max()
                path = f"{name}/{split}-{i}.flac"
                (root / name).mkdir(exist_ok=True)
                sf.write(root / path, wave.astype(np.float32), SR)
                lines.append({
                    "path": path, "source": "rendered", "piece": f"{name}-{split}-{i}", "group": name,
                    "split": split, "moods": moods, "genres": genres, "valence": valence, "arousal": arousal,
                    "speech": 0, "licence": "CC0", "duration": SECONDS,
                })  # fmt: skip
    # Unknown labels must be tolerated: hide the genres of a few training clips.
    for line in lines[::7]:
        line["genres"] = None
    manifest = root / "manifest.jsonl"
    manifest.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    return manifest


TINY = {"timbre_channels": 4, "rhythm_channels": 4, "mid_channels": 16, "mid_layers": 1, "feature_dim": 32}


def tiny_config(root, **overrides) -> TrainConfig:
    """A run of a few seconds: tiny network, two small batches per epoch, no augmentation."""
    settings = dict(
        out_dir=root / "bundle", work_dir=root / "work", cache_dir=root / "cache", arch_params=TINY,
        embedding_dim=16, epochs=1, p_groups=4, k_clips=2, batches_per_epoch=2, augment="none",
        threads=1, progress=False, evaluate_test=False,
    )  # fmt: skip
    return TrainConfig(**{**settings, **overrides})


def epochs_logged(config: TrainConfig) -> list[dict]:
    return [json.loads(line) for line in (config.work_dir / "metrics.jsonl").read_text().splitlines()]


def test_max_minutes_cuts_the_epoch_short_and_still_validates(corpus, tmp_path):
    config = tiny_config(tmp_path, epochs=5, batches_per_epoch=50, max_minutes=1e-4)
    bundle = train(config, corpus)
    (record,) = epochs_logged(config)
    assert record["train"]["cut_short"] and record["train"]["batches"] == 1
    assert record["val"]["loss"] > 0
    assert bundle.card_extra["training"]["stopped_by"] == "max_minutes"
    assert set(bundle.metrics) == {"val"}


def test_resume_continues_from_the_last_checkpoint(corpus, tmp_path):
    first = tiny_config(tmp_path, epochs=1)
    train(first, corpus)
    bundle = train(tiny_config(tmp_path, epochs=2, resume=True), corpus)
    assert [record["epoch"] for record in epochs_logged(first)] == [1, 2]
    assert bundle.card_extra["training"]["epochs_run"] == 2
    fresh = train(tiny_config(tmp_path, epochs=1), corpus)  # no resume: a new log, from epoch 1
    assert [record["epoch"] for record in epochs_logged(first)] == [1]
    assert fresh.card_extra["training"]["epochs_run"] == 1


def test_cli_trains_with_the_default_subcommand(corpus, tmp_path, capsys):
    code = main([
        "--manifest", str(corpus), "--out", str(tmp_path / "bundle"), "--work-dir", str(tmp_path / "work"),
        "--cache-dir", str(tmp_path / "cache"), "--epochs", "1", "--batches-per-epoch", "1",
        "--p-groups", "4", "--k-clips", "2", "--embedding-dim", "16", "--augment", "none",
        "--arch-params", ",".join(f"{k}={v}" for k, v in TINY.items()), "--loss-weights", "va=0",
        "--threads", "1", "--no-test-eval", "--quiet", "--version", "moodmix-cli",
    ])  # fmt: skip
    assert code == 0
    card = json.loads((tmp_path / "bundle" / "card.json").read_text())
    assert card["version"] == "moodmix-cli" and card["arch_params"]["embedding_dim"] == 16
    assert card["training"]["config"]["loss_weights"]["va"] == 0
    assert "val" in card["metrics"] and "[val]" in capsys.readouterr().out


@pytest.fixture(scope="module")
def trained(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    config = TrainConfig(
        out_dir=out / "bundle",
        work_dir=out / "work",
        cache_dir=out / "cache",
        version="moodmix-test",
        architecture="tf_cnn",
        arch_params={"timbre_channels": 8, "rhythm_channels": 8, "mid_channels": 32, "mid_layers": 1,
                     "feature_dim": 64},
        embedding_dim=32,
        epochs=6,
        p_groups=4,
        k_clips=4,
        batches_per_epoch=5,
        lr=3e-3,
        augment="light",
        patience=6,
        threads=1,
        progress=False,
    )  # fmt: skip
    return train(config, corpus), config


@pytest.mark.slow
def test_training_learns_to_tag_and_embed_held_out_clips(trained):
    bundle, _ = trained
    test = bundle.metrics["test"]
    assert test["mood"]["roc_auc_macro"] >= 0.8
    assert test["genre"]["roc_auc_macro"] >= 0.8
    assert test["retrieval"]["triplet_accuracy"]["accuracy"] >= 0.75
    assert test["mood"]["skipped"] == [] and test["n_clips"] == 16


@pytest.mark.slow
def test_run_logs_every_epoch_and_writes_a_loadable_bundle(trained, corpus):
    bundle, config = trained
    log = epochs_logged(config)
    assert [record["epoch"] for record in log] == list(range(1, len(log) + 1))
    assert all(np.isfinite(record["train"]["loss"]) for record in log)
    assert (config.work_dir / "last.pt").is_file() and (config.work_dir / "best.pt").is_file()

    loaded = ModelBundle.load(config.out_dir, device="cpu")
    assert loaded.mood_labels == ["happy", "tense", "sad", "groovy"]  # taxonomy order
    assert loaded.card_extra["training"]["epochs_run"] == len(log)
    clip = corpus.parent / "minor" / "test-0.flac"
    before, after = bundle.predict(clip), loaded.predict(clip)
    assert after.moods == pytest.approx(before.moods, abs=1e-5)
    np.testing.assert_allclose(after.embedding, before.embedding, atol=1e-5)


@pytest.mark.slow
def test_cli_evaluates_a_bundle(trained, corpus, capsys, tmp_path):
    _, config = trained
    target = tmp_path / "metrics.json"
    code = main(["evaluate", "--bundle", str(config.out_dir), "--manifest", str(corpus), "--split", "test",
                 "--no-mfcc", "--json", str(target), "--device", "cpu"])  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out
    assert "mood" in printed and "ROC-AUC" in printed and "triplet acc" in printed
    assert json.loads(target.read_text())["n_clips"] == 16
