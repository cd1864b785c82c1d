"""The manifest validator enforces the contract (ml.corpus.manifest)."""

from __future__ import annotations

import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from ml.corpus.manifest import ClipRecord, validate_manifest, write_manifest


def record(**overrides) -> ClipRecord:
    fields = dict(
        path="rendered/a.flac", source="rendered", piece="p1", group="rock", split="train", moods=["happy"],
        genres=["rock"], valence=0.5, arousal=0.2, speech=0, licence="CC0-1.0", duration=15.0,
    )  # fmt: skip
    return ClipRecord(**{**fields, **overrides})


def problems(tmp_path, *records) -> list[str]:
    write_manifest(records, tmp_path / "manifest.jsonl")
    return validate_manifest(tmp_path / "manifest.jsonl", check_files=False)


def test_a_good_record_passes_and_is_one_json_line(tmp_path):
    assert problems(tmp_path, record(), record(piece="p2", split="test")) == []
    lines = (tmp_path / "manifest.jsonl").read_text().splitlines()
    assert len(lines) == 2 and json.loads(lines[0])["moods"] == ["happy"]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"moods": ["grumpy"]}, "not in ml.taxonomy"),
        ({"genres": ["polka"]}, "not in ml.taxonomy"),
        ({"valence": 1.5}, "outside [-1, 1]"),
        ({"split": "dev"}, "unknown split"),
        ({"source": "radio"}, "unknown source"),
        ({"speech": 1}, "no mood or genre"),
        ({"path": "/abs/a.flac"}, "relative"),
        ({"duration": 0}, "positive"),
    ],
)
def test_contract_violations_are_reported(tmp_path, bad, message):
    found = problems(tmp_path, record(**bad))
    assert any(message in p for p in found), found


def test_a_piece_in_two_splits_is_reported(tmp_path):
    found = problems(tmp_path, record(), record(path="rendered/b.flac", split="val"))
    assert any("piece 'p1' is in several splits" in p for p in found)


def test_a_soundtrack_in_two_splits_is_reported(tmp_path):
    track = dict(source="soundtrack", group="pkg", moods=None, genres=None, valence=None, arousal=None)
    found = problems(tmp_path, record(piece="pkg/a", **track), record(piece="pkg/b", split="test", **track))
    assert any("soundtrack 'pkg' is in several splits" in p for p in found)


def test_missing_audio_files_are_reported(tmp_path):
    write_manifest([record()], tmp_path / "manifest.jsonl")
    assert any("audio file missing" in p for p in validate_manifest(tmp_path / "manifest.jsonl"))


def _write_many(folder: str) -> None:
    import numpy as np

    from ml.corpus.clipio import write_clip

    for _ in range(100):
        write_clip(Path(folder) / "clip.flac", np.zeros(1600, dtype=np.float32))
        write_manifest([record()] * 50, Path(folder) / "manifest.jsonl")


def test_two_processes_can_write_the_same_clips_and_manifest_at_once(tmp_path):
    # Two recipes launched together rewrite the same held-out clips and manifest; with one shared
    # temporary name a writer's file was moved away under it (FileNotFoundError) and the run died.
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        for done in [pool.submit(_write_many, str(tmp_path)) for _ in range(2)]:
            done.result()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.flac", "manifest.jsonl"]
