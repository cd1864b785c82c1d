"""The default bundle spreads real music: clips of different real soundtracks are not all "similar".

moodmix-v1 put every real recording at cosine >= 0.991 to every other (issue 12). These clips come
from three small Debian packages of game music (about 11 MB together; allowed for evaluation in
docs/training-data.md and used by no training step: not in the corpus, not in the self-supervised
pool), fetched once into `${MOODMIX_CACHE:-~/.cache/moodmix}` and never stored in git. Without
apt-get or a package mirror (an offline machine) the test skips instead of failing.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from ml import taxonomy
from ml.audio import load_audio
from ml.corpus.debian import cache_dir
from ml.corpus.pool import fetch_pinned
from ml.inference import ModelBundle
from ml.inference.current import default_bundle_dir

# package, pinned version, two music files (each at least 37 s long)
PACKAGES = (
    (
        "a7xpg-data",
        "0.11.dfsg1-11",
        ("usr/share/games/a7xpg/sounds/bgm1.ogg", "usr/share/games/a7xpg/sounds/bgm3.ogg"),
    ),
    (
        "rrootage-data",
        "0.23a-13",
        ("usr/share/games/rrootage/sounds/stg_a.ogg", "usr/share/games/rrootage/sounds/stg_c.ogg"),
    ),
    (
        "parsec47-data",
        "0.2.dfsg1-9",
        ("usr/share/games/parsec47/sounds/ptn0.ogg", "usr/share/games/parsec47/sounds/ptn2.ogg"),
    ),
)
ROOT = Path(__file__).resolve().parents[2]
CLIP_S = 15.0
# Issue 12's target is a median of 0.5 on the test split; a handful of clips gets some slack.
MEDIAN_BOUND = 0.6


@pytest.fixture(scope="module")
def real_clips() -> list[tuple[str, np.ndarray]]:
    clips = []
    for package, version, files in PACKAGES:
        try:
            root = fetch_pinned(package, version, cache_dir(), timeout=120)
        except (RuntimeError, OSError, subprocess.SubprocessError) as error:
            pytest.skip(f"cannot fetch {package}={version} (offline?): {error}")
        for name in files:
            wave = load_audio(root / name, sample_rate=22050)
            middle = wave.size // 2
            half = int(CLIP_S / 2 * 22050)
            clips.append((package, wave[middle - half : middle + half]))
    return clips


def _cosines(bundle: ModelBundle, clips: list[tuple[str, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    vectors = np.stack([p.embedding for p in bundle.predict_many([wave for _, wave in clips])])
    groups = np.array([package for package, _ in clips])
    cosine = vectors @ vectors.T
    different = np.triu(groups[:, None] != groups[None, :], 1)
    return cosine[different], vectors


def test_clips_of_different_real_soundtracks_spread_out(real_clips):
    bundle = ModelBundle.load(default_bundle_dir(), device="cpu")
    between, vectors = _cosines(bundle, real_clips)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert float(np.median(between)) < MEDIAN_BOUND, (
        f"{bundle.version}: median cosine {np.median(between):.3f}"
    )


def test_a_tone_and_noise_are_not_near_every_real_track(real_clips):
    bundle = ModelBundle.load(default_bundle_dir(), device="cpu")
    t = np.arange(int(10 * 22050)) / 22050
    tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    noise = np.random.default_rng(0).normal(0, 0.1, t.size).astype(np.float32)
    vectors = np.stack([p.embedding for p in bundle.predict_many([tone, noise, *(w for _, w in real_clips)])])
    # v1: 0.998 from a sine or white noise to real music; a space real music uses keeps them apart.
    assert float(np.median(vectors[:2] @ vectors[2:].T)) < 0.9


@pytest.mark.parametrize(
    "name", ["moodmix-v2", "moodmix-v2.1", "moodmix-v2.2", "moodmix-v2.3", "moodmix-v2.4", "moodmix-v2.5"]
)
def test_the_shipped_v2_cards_report_per_source_figures_and_their_whitening(name):
    folder = Path(__file__).resolve().parents[2] / "ml" / "bundles" / name
    card = ModelBundle.load(folder, device="cpu").card()
    assert card["version"] == name
    size_mb = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
    assert size_mb < 10
    assert card["arch_params"]["track_whitening"] and card["audio_contract"]["pitch_octaves"] == 5
    assert card["track_whitening"]["chosen"] in card["track_whitening"]["val_real_soundtracks"]
    test = card["metrics"]["test"]
    assert {"rendered", "soundtrack"} <= set(test["retrieval_by_source"])
    assert {"soundtrack", "speech"} <= set(test["speech_by_source"])
    assert test["retrieval_by_source"]["soundtrack"]["spread"] is not None
    assert card["data"]["ssl_pool"]["tracks"] >= 100


def test_the_bound_separates_v2_from_v1(real_clips):
    v1 = Path(__file__).resolve().parents[2] / "ml" / "bundles" / "moodmix-v1"
    between, _ = _cosines(ModelBundle.load(v1, device="cpu"), real_clips)
    assert float(np.median(between)) > MEDIAN_BOUND  # the test can fail: v1's collapsed space does


@pytest.mark.parametrize(
    "folder", [default_bundle_dir(), ROOT / "ml" / "bundles" / "moodmix-v2.2"], ids=["default", "v2.2"]
)
def test_the_default_and_v2_2_predict_every_level_2_mood_of_the_taxonomy(folder):
    bundle = ModelBundle.load(folder, device="cpu")
    assert bundle.mood_labels == [mood.name for mood in taxonomy.moods()]  # all 40, in taxonomy order
    per_label = bundle.card()["metrics"]["test"]["mood"]["per_label"]
    assert set(per_label) == set(bundle.mood_labels)  # each one has test positives and a figure
