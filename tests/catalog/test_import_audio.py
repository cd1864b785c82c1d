"""manage.py import_audio: walks folders, imports each audio file through the ingest service with its
tags, skips duplicates and non-audio with reasons, and prints a summary."""

import shutil

import pytest
from django.core.management import CommandError, call_command

from catalog.choices import TrackStatus, Visibility
from catalog.models import Track
from tests.catalog.audio import write_audio
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(tmp_path):
    """A small music folder: tagged wav/ogg/flac, an untagged file, a duplicate, a cover image."""
    root = tmp_path / "library"
    write_audio(
        root / "Kind of Blue" / "01.flac",
        frequency=220,
        tags={"title": "So What", "artist": "Miles Davis", "album": "Kind of Blue", "genre": "Jazz"},
    )
    write_audio(
        root / "Kind of Blue" / "02.ogg",
        frequency=330,
        tags={"title": "Freddie Freeloader", "artist": "Miles Davis", "album": "Kind of Blue"},
    )
    write_audio(
        root / "singles" / "a.wav", frequency=550, tags={"title": "Take Five", "artist": "Dave Brubeck"}
    )
    write_audio(root / "singles" / "deep" / "Nina Simone - Feeling Good.wav", frequency=660)
    shutil.copy(root / "singles" / "a.wav", root / "singles" / "deep" / "copy of a.wav")
    (root / "Kind of Blue" / "cover.jpg").write_bytes(b"\xff\xd8\xff\xe0 a picture")
    return root


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("import_audio", *map(str, args), stdout=out, stderr=StringIO())
    return out.getvalue()


def test_imports_a_folder_recursively_with_tags_and_skips_with_reasons(library):
    output = run(library)

    tracks = {t.title: t for t in Track.objects.select_related("artist")}
    assert set(tracks) == {"So What", "Freddie Freeloader", "Take Five", "Feeling Good"}
    so_what = tracks["So What"]
    assert (so_what.artist.name, so_what.album, so_what.genre_tag, so_what.format) == (
        "Miles Davis",
        "Kind of Blue",
        "Jazz",
        "flac",
    )
    assert tracks["Feeling Good"].artist.name == "Nina Simone"
    assert tracks["Freddie Freeloader"].artist == so_what.artist
    assert all(
        t.status == TrackStatus.PENDING and t.visibility == Visibility.PRIVATE for t in tracks.values()
    )
    assert all(t.owner is None for t in tracks.values())
    assert "Imported 4, skipped 2 (already in the catalogue 1, unsupported format 1)." in output
    assert (
        'copy of a.wav: already in the catalogue: This file is already in the catalogue as "Take Five"'
        in output
    )


def test_a_second_run_skips_everything_as_duplicates(library):
    run(library)

    output = run(library)

    assert Track.objects.count() == 4
    assert "Imported 0, skipped 6 (already in the catalogue 5, unsupported format 1)." in output


def test_owner_public_and_no_recursion(library):
    owner = UserFactory(username="curator")

    output = run(library / "singles", "--owner", "curator", "--public", "--no-recursive")

    [track] = Track.objects.all()
    assert (track.title, track.owner, track.visibility) == ("Take Five", owner, Visibility.PUBLIC)
    assert "Imported 1, skipped 0." in output


def test_single_files_can_be_named(library):
    run(library / "Kind of Blue" / "02.ogg")

    assert list(Track.objects.values_list("title", flat=True)) == ["Freddie Freeloader"]


def test_unknown_owner_and_missing_paths_are_errors(library):
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        run(library, "--owner", "nobody")
    with pytest.raises(CommandError, match="does not exist"):
        run(library / "missing")
    assert Track.objects.count() == 0
