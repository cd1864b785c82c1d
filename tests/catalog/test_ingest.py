"""The ingest service accepts real audio, stores it content-addressed as a pending Track and queues its
analysis after commit; it refuses everything else with a stable code and a message, storing nothing."""

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest
from django.core.files import File
from kombu.exceptions import OperationalError

from catalog.choices import RejectionCode, TrackStatus, Visibility
from catalog.models import Track
from catalog.services.ingest import IngestError, IngestLimits, ingest_file
from tests.catalog.audio import write_audio
from tests.factories import TrackFactory, UserFactory

pytestmark = pytest.mark.django_db


def ingest(path: Path, **kwargs) -> Track:
    with path.open("rb") as handle:
        return ingest_file(File(handle, name=path.name), **kwargs)


def stored_files(media_root: Path) -> list[Path]:
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def test_accepted_upload_is_stored_content_addressed_as_a_pending_track(audio_dir, listener, media_root):
    path = write_audio(audio_dir / "take.flac", seconds=2.5, sample_rate=44100, channels=2)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()

    track = ingest(path, owner=listener, visibility=Visibility.PUBLIC)

    track.refresh_from_db()
    assert track.status == TrackStatus.PENDING
    assert track.audio_file.name == f"tracks/{sha[:2]}/{sha}.flac"
    assert (media_root / track.audio_file.name).read_bytes() == path.read_bytes()
    assert track.content_sha256 == sha
    assert track.size_bytes == path.stat().st_size
    assert (track.format, track.sample_rate, track.channels) == ("flac", 44100, 2)
    assert track.duration_s == pytest.approx(2.5, abs=0.01)
    assert track.original_filename == "take.flac"
    assert (track.owner, track.visibility) == (listener, Visibility.PUBLIC)


def test_tags_become_title_artist_album_and_genre(audio_dir):
    tags = {
        "title": "Clair de lune",
        "artist": "Claude Debussy",
        "album": "Suite bergamasque",
        "genre": "Classical",
    }
    track = ingest(write_audio(audio_dir / "03.ogg", tags=tags))

    assert (track.title, track.artist.name, track.album, track.genre_tag) == (
        "Clair de lune",
        "Claude Debussy",
        "Suite bergamasque",
        "Classical",
    )


def test_untagged_file_takes_artist_and_title_from_its_name(wav_file):
    track = ingest(wav_file)

    assert (track.artist.name, track.title) == ("Nina Simone", "Feeling Good")


def test_analysis_is_queued_only_when_the_transaction_commits(
    wav_file, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr("catalog.tasks.analyze_track.delay", queued.append)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        track = ingest(wav_file)
        assert queued == []  # not before commit: the worker must find the row

    assert len(callbacks) == 1
    assert queued == [track.pk]


def test_a_broker_outage_keeps_the_accepted_track_pending(
    wav_file, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(track_id):
        raise OperationalError("connection refused")

    monkeypatch.setattr("catalog.tasks.analyze_track.delay", broker_down)

    with django_capture_on_commit_callbacks(execute=True):
        track = ingest(wav_file)

    track.refresh_from_db()
    assert track.status == TrackStatus.PENDING
    assert Path(track.audio_file.path).is_file()


def _limits(**changes) -> IngestLimits:
    return replace(IngestLimits.from_settings(), **changes)


@pytest.mark.parametrize(
    ("make_file", "limits", "code", "message"),
    [
        pytest.param(
            lambda d: write_audio(d / "long.wav", seconds=2.0),
            _limits(max_bytes=10_000),
            RejectionCode.TOO_LARGE,
            "the largest accepted upload is 9.8 KB",
            id="oversize",
        ),
        pytest.param(
            lambda d: _write(d / "nothing.wav", b""), None, RejectionCode.EMPTY, "empty", id="empty"
        ),
        pytest.param(
            lambda d: write_audio(d / "tone.wav").rename(d / "tone.txt"),
            None,
            RejectionCode.UNSUPPORTED_FORMAT,
            ".txt is not supported",
            id="unsupported-format",
        ),
        pytest.param(
            lambda d: _write(d / "notes.wav", b"These are my lyrics, not a recording.\n" * 200),
            None,
            RejectionCode.NOT_AUDIO,
            "This file does not contain playable audio: no decoder could read it as audio.",
            id="not-audio",
        ),
        pytest.param(
            lambda d: write_audio(d / "blip.wav", seconds=0.4),
            None,
            RejectionCode.TOO_SHORT,
            "lasts 0.40 s",
            id="too-short",
        ),
        pytest.param(
            lambda d: write_audio(d / "epic.wav", seconds=4.0),
            _limits(max_duration_s=3.0),
            RejectionCode.TOO_LONG,
            "longest accepted track is 0 min 03 s",
            id="too-long",
        ),
    ],
)
def test_refused_uploads_store_nothing(audio_dir, media_root, make_file, limits, code, message):
    with pytest.raises(IngestError) as refused:
        ingest(make_file(audio_dir), limits=limits)

    assert refused.value.code == code
    assert message in str(refused.value)
    assert "moodmix-ingest" not in str(refused.value)  # never the server's staging path
    assert Track.objects.count() == 0
    assert stored_files(media_root) == []


def test_duplicate_is_refused_with_the_existing_track_named(wav_file, media_root):
    first = ingest(wav_file)
    copy = wav_file.with_name("same bytes, other name.wav")
    copy.write_bytes(wav_file.read_bytes())

    with pytest.raises(IngestError) as refused:
        ingest(copy)

    assert refused.value.code == RejectionCode.DUPLICATE
    assert str(refused.value) == (
        f'This file is already in the catalogue as "Feeling Good" by Nina Simone (track #{first.pk}).'
    )
    assert refused.value.existing == first
    assert Track.objects.count() == 1
    assert stored_files(media_root) == [Path(first.audio_file.path)]


def test_a_file_another_listener_holds_privately_is_accepted_and_shares_the_stored_file(wav_file, media_root):
    theirs = ingest(wav_file, owner=UserFactory(username="owner"), visibility=Visibility.PRIVATE)

    mine = ingest(wav_file, owner=UserFactory(username="other"), visibility=Visibility.PRIVATE)

    assert mine.pk != theirs.pk and mine.owner.username == "other"
    assert mine.status == TrackStatus.PENDING
    assert mine.audio_file.name == theirs.audio_file.name  # one stored file behind both rows
    assert stored_files(media_root) == [Path(theirs.audio_file.path)]


def test_duplicates_are_per_owner_and_against_public_tracks(wav_file):
    owner, other = UserFactory(username="owner"), UserFactory(username="other")
    ingest(wav_file, owner=owner, visibility=Visibility.PRIVATE)

    with pytest.raises(IngestError) as own_again:
        ingest(wav_file, owner=owner, visibility=Visibility.PUBLIC)
    public = ingest(wav_file, owner=other, visibility=Visibility.PUBLIC)
    with pytest.raises(IngestError) as after_public:
        ingest(wav_file, owner=UserFactory(username="third"))
    with pytest.raises(IngestError) as import_after_public:
        ingest(wav_file)

    assert own_again.value.code == after_public.value.code == RejectionCode.DUPLICATE
    assert after_public.value.existing == import_after_public.value.existing == public
    assert Track.objects.count() == 2


def test_ownerless_imports_are_one_owner_for_duplicates(wav_file):
    ingest(wav_file, visibility=Visibility.PRIVATE)

    with pytest.raises(IngestError) as refused:
        ingest(wav_file, visibility=Visibility.PRIVATE)
    by_a_listener = ingest(wav_file, owner=UserFactory(username="ada"))

    assert refused.value.code == RejectionCode.DUPLICATE
    assert by_a_listener.owner.username == "ada"


def test_deleting_one_copy_keeps_the_shared_file_until_the_last_goes(
    wav_file, media_root, django_capture_on_commit_callbacks
):
    first = ingest(wav_file, owner=UserFactory(username="one"))
    second = ingest(wav_file, owner=UserFactory(username="two"))
    stored = Path(first.audio_file.path)

    with django_capture_on_commit_callbacks(execute=True):
        first.delete()
    kept = stored.is_file()
    with django_capture_on_commit_callbacks(execute=True):
        second.delete()

    assert kept
    assert not stored.exists()
    assert stored_files(media_root) == []


def test_a_quiet_intro_is_still_audio(audio_dir):
    silent = write_audio(audio_dir / "silence first.wav", seconds=8.0, lead_silence_s=6.0)

    track = ingest(silent)

    assert track.status == TrackStatus.PENDING


def test_existing_rows_do_not_block_new_uploads_with_other_bytes(wav_file, audio_dir):
    TrackFactory.create_batch(2)

    track = ingest(write_audio(audio_dir / "other.wav", frequency=220.0))

    assert Track.objects.count() == 3
    assert track.status == TrackStatus.PENDING


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
