"""Reading the training manifest: typed entries, strict validation, vocabularies in taxonomy order."""

import json
from pathlib import Path

import pytest

from ml import taxonomy
from ml.training.manifest import ManifestError, filter_split, genre_vocabulary, mood_vocabulary, read_manifest


def line(**overrides) -> dict:
    row = {
        "path": "clips/a.flac",
        "source": "rendered",
        "piece": "p1",
        "group": "baroque",
        "split": "train",
        "moods": ["calm", "happy"],
        "genres": ["classical"],
        "valence": 0.5,
        "arousal": -0.2,
        "speech": 0,
        "licence": "CC0",
        "duration": 12.5,
    }
    row.update(overrides)
    return row


def write(tmp_path: Path, rows: list[dict], *, touch: bool = True) -> Path:
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    if touch:
        for row in rows:
            target = tmp_path / row["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(b"")
    return manifest


def test_reads_typed_entries_with_paths_relative_to_the_manifest(tmp_path):
    entries = read_manifest(
        write(tmp_path, [line(), line(path="b.wav", moods=None, speech=None, valence=None)])
    )
    first, second = entries
    assert first.path == (tmp_path / "clips/a.flac").resolve()
    assert first.moods == ("calm", "happy") and first.genres == ("classical",)
    assert first.speech == 0 and first.duration == 12.5 and first.has_va
    assert second.moods is None and second.speech is None and not second.has_va


def test_empty_list_means_known_negative_and_null_means_unknown(tmp_path):
    entries = read_manifest(write(tmp_path, [line(moods=[]), line(path="b.wav", moods=None)]))
    assert entries[0].moods == () and entries[1].moods is None


def test_a_rendered_clips_composed_scale_is_its_mode_and_other_clips_have_none(tmp_path):
    rows = [
        line(meta={"cues": {"mode": "minor"}}),
        line(path="b.wav", meta={"cues": {"mode": "major", "tempo": 120}}),
        line(path="c.wav", source="soundtrack", meta={"track": "x.ogg"}),
    ]
    assert [entry.mode for entry in read_manifest(write(tmp_path, rows))] == [0, 1, None]


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"moods": ["happy", "grumpy"]}, "unknown moods"),
        ({"genres": ["polka"]}, "unknown genres"),
        ({"split": "dev"}, "split"),
        ({"source": "radio"}, "source"),
        ({"valence": 1.5}, "valence"),
        ({"arousal": "high"}, "arousal"),
        ({"speech": 2}, "speech"),
        ({"speech": True}, "speech"),
        ({"duration": 0}, "duration"),
        ({"group": ""}, "group"),
        ({"moods": "happy"}, "moods"),
        ({"meta": {"cues": {"mode": "dorian"}}}, "mode"),
    ],
)
def test_invalid_lines_are_rejected_with_file_and_line(tmp_path, override, message):
    manifest = write(tmp_path, [line(path="ok.wav"), line(**override)])
    with pytest.raises(ManifestError, match=message) as caught:
        read_manifest(manifest)
    assert f"{manifest}:2" in str(caught.value)


def test_missing_audio_is_reported_unless_not_checked(tmp_path):
    manifest = write(tmp_path, [line()], touch=False)
    with pytest.raises(ManifestError, match="does not exist"):
        read_manifest(manifest)
    assert len(read_manifest(manifest, check_files=False)) == 1


def test_a_piece_in_two_splits_is_leakage(tmp_path):
    manifest = write(tmp_path, [line(), line(path="b.wav", split="test")])
    with pytest.raises(ManifestError, match="disjoint by piece"):
        read_manifest(manifest)


def test_not_json_and_empty_manifests_are_errors(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"path": \n')
    with pytest.raises(ManifestError, match="not JSON"):
        read_manifest(bad)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    with pytest.raises(ManifestError, match="no clips"):
        read_manifest(empty)


def test_filter_split(tmp_path):
    rows = [line(), line(path="b.wav", piece="p2", split="val"), line(path="c.wav", piece="p3", split="test")]
    entries = read_manifest(write(tmp_path, rows))
    assert [e.path.name for e in filter_split(entries, "val")] == ["b.wav"]
    with pytest.raises(ValueError):
        filter_split(entries, "dev")


def test_vocabularies_follow_taxonomy_order_and_only_hold_seen_labels(tmp_path):
    rows = [
        line(moods=["serene", "happy"], genres=["jazz"]),
        line(path="b.wav", moods=["eerie"], genres=["rock"]),
    ]
    entries = read_manifest(write(tmp_path, rows))
    order = [m.name for m in taxonomy.moods()]
    assert mood_vocabulary(entries) == tuple(sorted(["serene", "happy", "eerie"], key=order.index))
    assert genre_vocabulary(entries) == tuple(g for g in taxonomy.genres() if g in {"jazz", "rock"})
