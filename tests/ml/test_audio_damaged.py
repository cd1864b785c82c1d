"""Partly decodable files are ``undecodable`` whichever decoder reads them, with ffmpeg or without it.

The product decision (issue 8): a file whose header and first seconds decode but whose tail is damaged is
refused as ``undecodable`` rather than analysed as half a song; the same file gets the same verdict on a
machine with ffmpeg (audioread would skip the damage) and on one without.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ml.audio import AudioError, load_audio
from tests.catalog.audio import corrupt_tail, write_audio

ROOT = Path(__file__).resolve().parents[2]
HAS_FFMPEG = shutil.which("ffmpeg") is not None


def damaged_flac(folder: Path) -> Path:
    return corrupt_tail(write_audio(folder / "damaged.flac", seconds=20.0), keep_fraction=0.5)


def test_a_flac_damaged_halfway_is_undecodable_and_says_where(tmp_path):
    with pytest.raises(AudioError) as info:
        load_audio(damaged_flac(tmp_path))
    assert info.value.code == "undecodable"
    assert "of 20.0 s" in str(info.value)


def test_the_undamaged_start_of_such_a_file_still_decodes(tmp_path):
    # The upload's quick probe reads only the first seconds: it accepts the file, the analysis refuses it.
    assert load_audio(damaged_flac(tmp_path), duration=2.0).size == 2 * 22050


@pytest.mark.skipif(not HAS_FFMPEG, reason="m4a is decoded by ffmpeg only")
def test_a_truncated_m4a_decoded_by_ffmpeg_is_undecodable(tmp_path):
    wav = write_audio(tmp_path / "tone.wav", seconds=20.0)
    m4a = tmp_path / "tone.m4a"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-i", str(wav), "-c:a", "aac", "-movflags", "+faststart", str(m4a)],
        check=True,
    )
    assert load_audio(m4a).size == pytest.approx(20 * 22050, rel=0.01)  # the intact file decodes
    corrupt_tail(m4a, keep_fraction=0.5)
    with pytest.raises(AudioError) as info:
        load_audio(m4a)
    assert info.value.code == "undecodable"


_DECODE_SCRIPT = """
import json, shutil, sys
from ml.audio import AudioError, load_audio
verdicts = {"ffmpeg": shutil.which("ffmpeg")}
for path in sys.argv[1:]:
    try:
        verdicts[path] = f"ok {load_audio(path).size}"
    except AudioError as exc:
        verdicts[path] = exc.code
print(json.dumps(verdicts))
"""


def decode_in_subprocess(paths: list[Path], *, path_env: str) -> dict[str, str]:
    env = {**os.environ, "PATH": path_env}
    out = subprocess.run(
        [sys.executable, "-c", _DECODE_SCRIPT, *map(str, paths)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.slow
def test_without_ffmpeg_the_verdicts_are_the_same(tmp_path):
    """The decoder path of a machine without ffmpeg: a subprocess whose PATH holds no ffmpeg."""
    good = write_audio(tmp_path / "good.flac", seconds=3.0)
    damaged = damaged_flac(tmp_path)
    not_audio = tmp_path / "notes.ogg"
    not_audio.write_bytes(b"these bytes are not audio at all" * 100)
    bare = tmp_path / "bin"  # an empty PATH: the interpreter is called by its absolute path
    bare.mkdir()

    without = decode_in_subprocess([good, damaged, not_audio], path_env=str(bare))
    assert without.pop("ffmpeg") is None
    expected = {str(good): f"ok {3 * 22050}", str(damaged): "undecodable", str(not_audio): "undecodable"}
    assert without == expected
    if HAS_FFMPEG:
        with_ffmpeg = decode_in_subprocess([good, damaged, not_audio], path_env=os.environ["PATH"])
        assert with_ffmpeg.pop("ffmpeg")
        assert with_ffmpeg == without
