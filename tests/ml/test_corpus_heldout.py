"""Held-out and extra real voices (ml.corpus.heldout): who lands in which split, offline."""

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from ml.corpus import heldout
from ml.corpus.heldout import SPEAKERS, Speaker, _lines


def _touch(root: Path, rel: str, seconds: float = 0.0) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if seconds:
        sf.write(str(path), 0.1 * np.sin(np.arange(int(seconds * 8000)) / 5.0), 8000, format="WAV")
    else:
        path.write_bytes(b"")
    return path


def test_training_voices_leave_out_evaluation_languages_and_the_val_and_test_languages(tmp_path):
    for language in ("de", "fr", "it", "ru", "cs", "nl", "uk"):
        _touch(tmp_path, f"usr/share/klettres/{language}/alpha/a.ogg")
        _touch(tmp_path, f"usr/share/klettres/{language}/syllab/ba.ogg")
    kept = {path.relative_to(tmp_path).parts[3] for path in _lines(SPEAKERS["klettres-data"], tmp_path)}
    assert kept == {"de", "uk"}


def test_the_val_and_test_voices_are_in_no_other_split():
    by_split: dict[str, set[str]] = {}
    for speaker in SPEAKERS.values():
        by_split.setdefault(speaker.split, set()).add(speaker.package)
    assert by_split["val"] == {"fillets-ng-data-nl"} and by_split["test"] == {"fillets-ng-data-cs"}
    assert not by_split["train"] & (by_split["val"] | by_split["test"])
    assert len(by_split["train"]) >= 3


def test_speech_clips_join_lines_into_labelled_clips_of_their_speakers_split(tmp_path, monkeypatch):
    roots = {"pkg-a": tmp_path / "a", "pkg-b": tmp_path / "b"}
    for index in range(40):
        _touch(roots["pkg-a"], f"lines/{index:02d}.wav", 1.0)
        _touch(roots["pkg-b"], f"lines/x/{index:02d}.wav", 1.0)
    _touch(roots["pkg-b"], "lines/fr/kept-for-evaluation.wav", 1.0)
    speakers = {
        "pkg-a": Speaker("pkg-a", "1", "train", ("lines/*.wav",), "xx", "GPL-2 (a)", clips=2),
        "pkg-b": Speaker("pkg-b", "1", "val", ("lines/*/*.wav",), "yy", "CC0 (b)", clips=1, exclude=("fr",)),
    }
    monkeypatch.setattr(heldout, "SPEAKERS", speakers)
    monkeypatch.setattr(heldout, "fetch_pinned", lambda package, version, cache: roots[package])
    out = tmp_path / "corpus"
    records = heldout._speech_clips(out, tmp_path, seed=0)
    assert [(r.split, r.licence) for r in records] == [("train", "GPL-2 (a)")] * 2 + [("val", "CC0 (b)")]
    assert {r.group for r in records} == {"speech"} and {r.speech for r in records} == {1}
    assert len({r.piece for r in records}) == 3
    for record in records:
        assert 10.0 <= record.duration <= 20.0 and (out / record.path).is_file()
        assert "kept-for-evaluation.wav" not in record.meta["lines"]
    without = heldout._speech_clips(out, tmp_path, seed=0, train_voices=False)
    assert [r.split for r in without] == ["val"] and without[0].path == records[-1].path


def test_asking_for_help_builds_nothing(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        heldout.main([str(tmp_path), "--help"])
    assert exit_.value.code == 0 and "--no-added-moods" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []  # it used to rebuild manifest-v2.jsonl
