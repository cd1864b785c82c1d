"""Soundtrack clips and demo tracks from Debian packages (ml.corpus.soundtracks, ml.corpus.demo).

Uses a fake package cache built in the test (generated audio under the real music folder layout), so no
download happens.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import mutagen
import numpy as np
import pytest
import soundfile as sf

from ml.corpus.demo import demo_tracks, title_from_filename
from ml.corpus.soundtracks import (
    CLIP_S,
    CLIPS_PER_TRACK,
    SOUNDTRACKS,
    SPLIT_OF_PACKAGE,
    build_soundtracks,
    detect_licence,
    discover_tracks,
)

DEP5 = """Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/

Files: *
Copyright: 2020 Someone
License: GPL-3+

Files: data/music/*
Copyright: 2019 A Composer
License: CC-BY-SA-3.0

Files: debian/*
Copyright: 2021 Packager
License: GPL-2+
"""


def tone(seconds: float, sr: int = 44100) -> np.ndarray:
    t = np.arange(int(seconds * sr)) / sr
    return (0.2 * np.sin(2 * np.pi * 220 * t) * (1 + 0.5 * np.sin(2 * np.pi * 0.5 * t))).astype(np.float32)


def fake_package(cache: Path, package: str, files: dict[str, float], copyright: str = DEP5) -> Path:
    root = cache / "unpacked" / package
    for rel, seconds in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        # libsndfile's Vorbis encoder crashes on very large single writes: feed it one second at a time.
        with sf.SoundFile(root / rel, "w", 44100, 1, format="OGG", subtype="VORBIS") as f:
            for block in np.array_split(tone(seconds), max(1, int(seconds))):
                f.write(block)
    doc = root / "usr/share/doc" / package
    doc.mkdir(parents=True, exist_ok=True)
    (doc / "copyright").write_text(copyright)
    (root / ".unpacked").write_text("fake\n")
    return root


def test_licence_of_the_music_stanza_wins_over_the_catch_all():
    assert detect_licence(DEP5, ["theme.ogg"]) == "CC-BY-SA-3.0"


def test_catch_all_licence_when_no_stanza_names_music():
    text = DEP5.replace("data/music/*", "data/gfx/*")
    assert detect_licence(text, ["theme.ogg"]) == "GPL-3+"


def test_free_form_copyright_files():
    gpl = (
        "This program is free software under the GNU General Public License version 2, or any later version."
    )
    assert detect_licence(gpl, []) == "GPL-2+"
    cc = '"License Elements" means the attributes in the title of this License: Attribution, ShareAlike.'
    assert detect_licence(cc, []) == "CC Attribution, ShareAlike"


def test_whole_soundtracks_are_held_out():
    held_out = list(SPLIT_OF_PACKAGE.values())
    assert set(SPLIT_OF_PACKAGE) <= set(SOUNDTRACKS)
    assert held_out.count("test") in (2, 3) and held_out.count("val") == 1


def test_short_files_are_not_music_and_zip_archives_are_read(tmp_path):
    fake_package(
        tmp_path,
        "pushover-data",
        {"usr/share/pushover/themes/aztec.ogg": 40, "usr/share/pushover/themes/click.ogg": 2},
    )
    tracks = discover_tracks(SOUNDTRACKS["pushover-data"], tmp_path)
    assert [t.path.name for t in tracks] == ["aztec.ogg"]

    root = fake_package(tmp_path, "nexuiz-music", {"tmp/beast.ogg": 35})
    archive = root / "usr/share/games/nexuiz/data/music.pk3"
    archive.parent.mkdir(parents=True)
    with zipfile.ZipFile(archive, "w") as z:
        z.write(root / "tmp/beast.ogg", "sound/cdtracks/beast.ogg")
        z.write(root / "tmp/beast.ogg", "sound/misc/other.ogg")
    tracks = discover_tracks(SOUNDTRACKS["nexuiz-music"], tmp_path)
    assert [t.path.name for t in tracks] == ["beast.ogg"]


def test_soundtrack_clips_are_cut_resampled_and_split_by_package(tmp_path):
    fake_package(tmp_path, "pushover-data", {"usr/share/pushover/themes/aztec.ogg": 200})
    fake_package(tmp_path, "supertux-data", {"usr/share/games/supertux2/music/forest/chipdisko.ogg": 60})
    out = tmp_path / "corpus"
    records, licences = build_soundtracks(out, tmp_path, seed=0, packages=("pushover-data", "supertux-data"))
    by_package = {p: [r for r in records if r.group == p] for p in ("pushover-data", "supertux-data")}
    assert len(by_package["pushover-data"]) == CLIPS_PER_TRACK  # a long track gives its maximum
    assert len(by_package["supertux-data"]) == 1
    assert {r.split for r in by_package["pushover-data"]} == {"test"}
    assert {r.split for r in by_package["supertux-data"]} == {"train"}
    for r in records:
        wave, sr = sf.read(out / r.path)
        assert sr == 22050 and wave.ndim == 1 and r.duration == pytest.approx(CLIP_S, abs=0.05)
        assert r.speech == 0 and r.moods is None and r.genres is None and "CC-BY-SA-3.0" in r.licence
    assert licences["pushover-data"][1] == "CC-BY-SA-3.0"


def test_demo_tracks_are_copied_tagged_and_licensed(tmp_path):
    fake_package(
        tmp_path, "pushover-data", {f"usr/share/pushover/themes/{n}.ogg": 31 for n in ("aztec", "greek")}
    )
    source = mutagen.File(
        str(tmp_path / "unpacked/pushover-data/usr/share/pushover/themes/aztec.ogg"), easy=True
    )
    source["genre"] = "Game soundtrack"
    source.save()
    files = demo_tracks(tmp_path / "demo", 5, cache=tmp_path, packages=("pushover-data",))
    assert len(files) == 2
    tags = mutagen.File(str(files[0]), easy=True)
    assert (
        tags["artist"] == ["Pushover"] and tags["album"] == ["pushover-data"] and tags["title"] == ["Aztec"]
    )
    assert "genre" not in tags
    assert "CC-BY-SA-3.0" in (tmp_path / "demo" / "LICENCES.md").read_text()


def test_titles_from_file_names():
    assert title_from_filename("Crystan-Battlescape01") == "Crystan Battlescape 01"
    assert title_from_filename("@CrushedIceCocktail") == "Crushed Ice Cocktail"
    assert title_from_filename("track_25") == "Track 25"
