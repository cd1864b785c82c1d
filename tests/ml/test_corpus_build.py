"""A --quick corpus build: valid manifest, 22050 Hz mono clips, disjoint splits, resumable."""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from ml.corpus.build import QUICK, build_corpus
from ml.corpus.manifest import read_manifest, validate_manifest
from ml.corpus.render import fluidsynth_available
from ml.corpus.speech import espeak_available

pytestmark = pytest.mark.skipif(
    not (fluidsynth_available() and espeak_available()),
    reason="needs `apt-get install fluidsynth fluid-soundfont-gm espeak-ng`",
)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    build_corpus(out, quick=True, seed=3, jobs=1, cache=out / "cache")
    return out


def test_manifest_meets_the_contract(corpus):
    assert validate_manifest(corpus / "manifest.jsonl") == []


def test_quick_build_has_every_offline_source_and_every_split(corpus):
    records = read_manifest(corpus / "manifest.jsonl")
    assert {r["source"] for r in records} == {"rendered", "speech", "mix"}
    assert {r["split"] for r in records} == {"train", "val", "test"}
    assert len(records) == QUICK.rendered + QUICK.espeak + QUICK.mixes


def test_clips_decode_as_22050_hz_mono_with_the_recorded_duration(corpus):
    for r in read_manifest(corpus / "manifest.jsonl"):
        wave, sr = sf.read(corpus / r["path"], dtype="float32")
        assert sr == 22050 and wave.ndim == 1
        assert len(wave) / sr == pytest.approx(r["duration"], abs=0.01)
        assert np.sqrt(np.mean(wave**2)) > 1e-3  # not silent


def test_labels_by_source(corpus):
    for r in read_manifest(corpus / "manifest.jsonl"):
        if r["source"] == "rendered":
            assert r["speech"] == 0 and r["moods"] and r["genres"] and r["valence"] is not None
            assert r["group"] == r["genres"][0]
        else:
            assert r["speech"] == 1 and r["moods"] is None and r["genres"] is None and r["group"] == "speech"


def test_splits_are_disjoint_by_piece_and_mixes_use_beds_of_their_own_split(corpus):
    records = read_manifest(corpus / "manifest.jsonl")
    splits = defaultdict(set)
    for r in records:
        splits[r["piece"]].add(r["split"])
    assert all(len(s) == 1 for s in splits.values())
    split_of = {r["piece"]: r["split"] for r in records}
    for r in records:
        if r["source"] == "mix":
            assert split_of[r["meta"]["bed_piece"]] == r["split"]


def test_a_second_build_reuses_every_clip_and_writes_the_same_manifest(corpus):
    before = (corpus / "manifest.jsonl").read_text()
    mtimes = {p: p.stat().st_mtime_ns for p in corpus.rglob("*.flac")}
    build_corpus(corpus, quick=True, seed=3, jobs=1, cache=corpus / "cache")
    assert (corpus / "manifest.jsonl").read_text() == before
    assert {p: p.stat().st_mtime_ns for p in corpus.rglob("*.flac")} == mtimes


def test_cli_quick_build_validates(tmp_path):
    run = [sys.executable, "-m", "ml.corpus"]
    build = [*run, "build", "--out", str(tmp_path), "--quick"]
    subprocess.run(build, cwd=ROOT, check=True, capture_output=True)
    check = subprocess.run(
        [*run, "validate", str(tmp_path / "manifest.jsonl")], cwd=ROOT, capture_output=True
    )
    assert check.returncode == 0, check.stdout


def test_a_grown_corpus_keeps_the_bed_each_existing_mix_was_mixed_over(corpus, monkeypatch):
    import ml.corpus.build as build

    before = {
        r["piece"]: r["meta"]["bed"] for r in read_manifest(corpus / "manifest.jsonl") if r["source"] == "mix"
    }
    # More rendered pieces change the pool the beds are drawn from; the written mixes must not change.
    monkeypatch.setattr(
        build, "QUICK", QUICK.__class__(**{**QUICK.__dict__, "rendered": QUICK.rendered + 10})
    )
    build_corpus(corpus, quick=True, seed=3, jobs=1, cache=corpus / "cache")
    after = {
        r["piece"]: r["meta"]["bed"] for r in read_manifest(corpus / "manifest.jsonl") if r["source"] == "mix"
    }
    assert after == before
