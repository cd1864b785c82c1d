"""Editor tags -> training manifest: which tracks and labels are exported, in the format ml.training reads,
split by artist, with the audio decoded to mono FLAC once."""

import json
from collections import Counter

import pytest
import soundfile as sf
from django.core.management import call_command

from catalog.models import Verdict
from catalog.services.editing import mark_reviewed, set_verdict
from catalog.services.training_export import export_training_manifest, split_of_artist
from ml.training.manifest import read_manifest
from tests.catalog.audio import write_audio
from tests.catalog.editors import analysed_track, genre, make_editor, mood

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return make_editor()


@pytest.fixture
def tagged(editor, audio_dir):
    """A reviewed track (stereo 44.1 kHz, 2 s) with a confirmed mood, a word, a removed prediction, a
    subgenre, and weak model predictions (below the presence threshold, so reviewing does not accept them)."""
    audio = write_audio(audio_dir / "a.wav", seconds=2.0, sample_rate=44100, channels=2)
    track = analysed_track(
        {"happy": 0.9, "tense": 0.3}, {"rock": 0.3}, audio_file__from_path=str(audio), title="Tagged"
    )
    set_verdict(track, mood("calm"), Verdict.PRESENT, editor)
    set_verdict(track, mood("bittersweet"), Verdict.PRESENT, editor)
    set_verdict(track, mood("happy"), Verdict.ABSENT, editor)
    set_verdict(track, genre("bossa nova"), Verdict.PRESENT, editor)
    mark_reviewed([track], editor)
    return track


def lines_of(report) -> dict[int, dict]:
    return {line["track_id"]: line for line in map(json.loads, report.manifest.read_text().splitlines())}


def test_a_reviewed_track_exports_its_editor_labels_only(tagged, tmp_path):
    report = export_training_manifest(tmp_path / "export")

    line = lines_of(report)[tagged.pk]
    assert line["moods"] == ["calm", "melancholic"]  # the word's mood; not happy (removed), not tense (model)
    assert line["genres"] == ["latin"]  # the subgenre's genre; the model's weak rock is not a label
    assert (line["valence"], line["arousal"], line["speech"]) == (None, None, None)
    assert line["source"] == "catalogue"
    assert line["piece"] == f"track-{tagged.pk}" and line["group"] == f"artist-{tagged.artist.slug}"
    assert line["split"] == split_of_artist(tagged.artist.slug)
    info = sf.info(report.manifest.parent / line["path"])
    assert (info.format, info.channels, info.samplerate) == ("FLAC", 1, 22050)
    assert info.duration == pytest.approx(2.0, abs=1e-3) == line["duration"]


def test_the_manifest_is_what_ml_training_reads(tagged, tmp_path):
    report = export_training_manifest(tmp_path / "export")

    (entry,) = read_manifest(report.manifest)  # validates every field, the names and the files

    assert entry.moods == ("calm", "melancholic") and entry.path.is_file()


def test_unreviewed_untagged_and_undecodable_tracks_are_left_out(editor, tagged, audio_dir, tmp_path):
    unreviewed = analysed_track({"calm": 0.9}, audio_file__from_path=str(write_audio(audio_dir / "b.wav")))
    set_verdict(unreviewed, mood("calm"), Verdict.PRESENT, editor)
    untagged = analysed_track({"calm": 0.2}, audio_file__from_path=str(write_audio(audio_dir / "c.wav")))
    broken = analysed_track({"calm": 0.9})  # the factory's bytes are not audio
    set_verdict(broken, mood("calm"), Verdict.PRESENT, editor)
    mark_reviewed([untagged, broken], editor)

    report = export_training_manifest(tmp_path / "export")

    assert list(lines_of(report)) == [tagged.pk]
    assert report.skipped == Counter({"reviewed without any editor verdict": 1, "audio: undecodable": 1})


def test_a_head_without_verdicts_is_unknown_and_a_removed_mood_beats_its_word(editor, audio_dir, tmp_path):
    track = analysed_track({"sad": 0.3}, audio_file__from_path=str(write_audio(audio_dir / "d.wav")))
    set_verdict(track, mood("bittersweet"), Verdict.PRESENT, editor)
    set_verdict(track, mood("melancholic"), Verdict.ABSENT, editor)
    mark_reviewed([track], editor)

    line = lines_of(export_training_manifest(tmp_path / "export"))[track.pk]

    assert line["moods"] == []  # known: an editor decided, and nothing level-2 applies
    assert line["genres"] is None  # unknown: no genre verdict at all


TRAIN_ONLY = {"val": 0.0, "test": 0.0}
TEST_ONLY = {"val": 0.0, "test": 1.0}


def test_predictions_accepted_at_review_are_training_labels_only(editor, audio_dir, tmp_path):
    track = analysed_track(
        {"tense": 0.8}, {"rock": 0.9}, audio_file__from_path=str(write_audio(audio_dir / "e.wav"))
    )
    mark_reviewed([track], editor)  # the editor saw tense and rock on the page and let them stand

    train = export_training_manifest(tmp_path / "train", fractions=TRAIN_ONLY)
    held_out = export_training_manifest(tmp_path / "test", fractions=TEST_ONLY)

    line = lines_of(train)[track.pk]
    assert (line["split"], line["moods"], line["genres"]) == ("train", ["tense"], ["rock"])
    assert lines_of(held_out) == {}  # never a held-out label: the model would be graded on its own guess
    assert held_out.skipped == Counter(
        {"held out, with only predictions accepted at review (not test labels)": 1}
    )


def test_a_held_out_head_with_an_accepted_prediction_is_unknown(editor, audio_dir, tmp_path):
    track = analysed_track(
        {"tense": 0.8}, {"rock": 0.9}, audio_file__from_path=str(write_audio(audio_dir / "f.wav"))
    )
    set_verdict(track, genre("rock"), Verdict.PRESENT, editor)  # genres: decided; moods: tense accepted
    set_verdict(track, mood("calm"), Verdict.PRESENT, editor)
    mark_reviewed([track], editor)

    report = export_training_manifest(tmp_path / "test", fractions=TEST_ONLY)

    line = lines_of(report)[track.pk]
    assert (line["split"], line["moods"], line["genres"]) == ("test", None, ["rock"])
    assert report.held_out_masked == Counter({"moods": 1})
    assert any("moods unknown on 1 clip(s)" in text for text in report.lines())


def test_a_second_export_reuses_the_decoded_audio(tagged, tmp_path):
    first = export_training_manifest(tmp_path / "export")
    second = export_training_manifest(tmp_path / "export")

    assert (first.decoded, second.decoded) == (1, 0)
    assert first.manifest.read_text() == second.manifest.read_text()


def test_split_shares_follow_the_fractions_and_the_seed_reshuffles_artists():
    slugs = [f"artist-{i}" for i in range(2000)]
    splits = Counter(split_of_artist(slug) for slug in slugs)

    assert splits["test"] / 2000 == pytest.approx(0.15, abs=0.03)
    assert splits["val"] / 2000 == pytest.approx(0.15, abs=0.03)
    assert [split_of_artist(slug, seed=1) for slug in slugs[:200]] != [
        split_of_artist(s) for s in slugs[:200]
    ]


def test_the_command_reports_what_it_wrote(tagged, tmp_path, capsys):
    call_command("export_training_manifest", str(tmp_path / "export"), "--test-fraction", "0")

    out = capsys.readouterr().out
    assert "1 clip(s)" in out and "manifest.jsonl" in out
