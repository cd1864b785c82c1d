"""Re-analysis: selecting outdated tracks, re-queueing through the pipeline, and `manage.py reanalyze`
replacing old-version model rows while editors' tags survive."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from django.core.files import File
from django.core.management import CommandError, call_command

from catalog import bundles
from catalog.choices import TrackStatus
from catalog.models import Mood, TagSource, Track, TrackAnalysis, TrackMood, Verdict
from catalog.services.effective_tags import effective_moods, set_editor_verdict
from catalog.services.ingest import ingest_file
from catalog.services.predictions import persist_analysis
from catalog.services.reanalysis import outdated_tracks, progress, queue_reanalysis, versions_of
from catalog.services.taxonomy import load_taxonomy
from catalog.tasks import analyze_track
from tests.catalog.model_outputs import make_features, make_prediction, save_tiny_bundle
from tests.factories import TrackFactory, UserFactory

SR = 22050


def analysed_track(version: str | None) -> Track:
    track = TrackFactory()
    if version is not None:
        persist_analysis(track, make_prediction(version), make_features())
    return track


def run(*args: str) -> str:
    out = StringIO()
    call_command("reanalyze", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def queued(monkeypatch) -> list[int]:
    """Track ids sent to the broker (nothing is sent)."""
    sent: list[int] = []
    monkeypatch.setattr("catalog.tasks.analyze_track.delay", sent.append)
    return sent


@pytest.fixture
def bundle_dir(tmp_path, monkeypatch) -> Path:
    directory = save_tiny_bundle(tmp_path / "bundle", version="v2")
    monkeypatch.setenv("MOODMIX_BUNDLE_DIR", str(directory))
    bundles.forget_bundle()
    yield directory
    bundles.forget_bundle()


@pytest.fixture
def song_file(tmp_path) -> Path:
    t = np.arange(6 * SR) / SR
    sf.write(tmp_path / "Band - Song.wav", (0.3 * np.sin(2 * np.pi * 330 * t)).astype(np.float32), SR)
    return tmp_path / "Band - Song.wav"


@pytest.mark.django_db
class TestSelection:
    def test_outdated_means_another_version_or_no_model_analysis(self):
        old, current, never = analysed_track("v1"), analysed_track("v2"), analysed_track(None)
        assert set(outdated_tracks("v2")) == {old, never}
        assert current not in outdated_tracks("v2")
        assert versions_of(Track.objects.all()) == {"v1": 1, "v2": 1, "": 1}

    def test_queueing_skips_tracks_already_in_flight_and_sends_after_commit(
        self, queued, django_capture_on_commit_callbacks
    ):
        done = analysed_track("v1")
        failed = TrackFactory(status=TrackStatus.FAILED, error_code="undecodable", error_detail="x")
        waiting = TrackFactory(status=TrackStatus.PENDING)

        with django_capture_on_commit_callbacks(execute=True):
            result = queue_reanalysis(Track.objects.all())
            assert queued == []  # nothing leaves before the transaction commits

        assert result.queued == sorted([done.pk, failed.pk]) and result.skipped_in_flight == 1
        assert sorted(queued) == sorted([done.pk, failed.pk])
        assert set(Track.objects.filter(pk__in=result.queued).values_list("status", flat=True)) == {"pending"}
        assert Track.objects.get(pk=waiting.pk).status == TrackStatus.PENDING

    def test_queueing_keeps_the_previous_results_until_the_new_analysis_commits(self, queued):
        track = analysed_track("v1")
        queue_reanalysis([track.pk])
        assert TrackAnalysis.objects.get(track=track).model_version == "v1"
        assert TrackMood.objects.filter(track=track, source=TagSource.MODEL).exists()

    def test_progress_counts_finished_tracks(self):
        tracks = [
            TrackFactory(status=TrackStatus.ANALYZED),
            TrackFactory(status=TrackStatus.FAILED, error_code="timeout"),
            TrackFactory(status=TrackStatus.ANALYZING),
        ]
        state = progress([t.pk for t in tracks] + [999_999])
        assert (state.total, state.analyzed, state.failed, state.finished, state.done) == (4, 1, 2, 3, False)


@pytest.mark.django_db
class TestCommand:
    def test_dry_run_reports_and_queues_nothing(self, queued):
        for version in ("v1", "v1", None):
            analysed_track(version)
        out = run("--all", "--dry-run")
        assert "Selected 3 track(s) (model versions none: 1, v1: 2)." in out
        assert queued == [] and set(Track.objects.values_list("status", flat=True)) == {"analyzed"}

    def test_outdated_needs_a_bundle_to_compare_with(self, tmp_path, monkeypatch):
        monkeypatch.setenv("MOODMIX_BUNDLE_DIR", str(tmp_path / "none"))
        with pytest.raises(CommandError, match="no model bundle"):
            run("--outdated")

    def test_outdated_selects_by_the_bundles_version(
        self, bundle_dir, queued, django_capture_on_commit_callbacks
    ):
        old, current = analysed_track("v1"), analysed_track("v2")
        with django_capture_on_commit_callbacks(execute=True):
            out = run("--outdated", "--no-wait")
        assert "Current model version: v2." in out and "Queued 1." in out
        assert queued == [old.pk]
        assert Track.objects.get(pk=current.pk).status == TrackStatus.ANALYZED

    def test_unknown_track_ids_are_an_error(self):
        with pytest.raises(CommandError, match="no track with id 424242"):
            run("--track", "424242")

    def test_named_tracks_are_queued_even_when_in_flight(self, queued, django_capture_on_commit_callbacks):
        track = TrackFactory(status=TrackStatus.ANALYZING)
        with django_capture_on_commit_callbacks(execute=True):
            assert "Queued 1." in run("--track", str(track.pk), "--no-wait")
        assert queued == [track.pk]

    def test_a_timeout_reports_unfinished_tracks(self, queued):
        track = analysed_track("v1")
        out = run("--track", str(track.pk), "--timeout", "0")
        assert "Analysed 0, failed 0, unfinished 1." in out


@pytest.mark.django_db(transaction=True)
def test_reanalysis_with_a_new_bundle_replaces_model_rows_and_keeps_editor_tags(
    bundle_dir, song_file, monkeypatch
):
    """The whole path in-process: commits are real, the queued task runs inline as the broker would run it."""
    load_taxonomy()  # a transactional test may run after another one flushed the migrated taxonomy rows
    monkeypatch.setattr("catalog.tasks.analyze_track.delay", analyze_track)
    save_tiny_bundle(bundle_dir, version="v1", seed=0)
    with song_file.open("rb") as handle:
        track = ingest_file(File(handle, name=song_file.name))  # analysed with v1 on commit
    assert TrackAnalysis.objects.get(track=track).model_version == "v1"
    editor = UserFactory(username="editor")
    serene, sad = Mood.objects.moods().get(name="serene"), Mood.objects.moods().get(name="sad")
    set_editor_verdict(track, serene, Verdict.PRESENT, editor)
    set_editor_verdict(track, sad, Verdict.ABSENT, editor)
    v1_scores = dict(
        TrackMood.objects.filter(track=track, source=TagSource.MODEL).values_list("mood__name", "score")
    )

    save_tiny_bundle(bundle_dir, version="v2", seed=1)
    out = run("--outdated")

    assert "Queued 1." in out and "Analysed 1, failed 0, unfinished 0." in out
    model_rows = TrackMood.objects.filter(track=track, source=TagSource.MODEL)
    assert set(model_rows.values_list("model_version", flat=True)) == {"v2"}
    assert model_rows.count() == len(v1_scores)
    assert dict(model_rows.values_list("mood__name", "score")) != v1_scores
    assert TrackAnalysis.objects.get(track=track).model_version == "v2"
    editor_rows = TrackMood.objects.filter(track=track, source=TagSource.EDITOR)
    assert set(editor_rows.values_list("mood__name", "verdict")) == {("serene", "present"), ("sad", "absent")}
    effective = {tag.term.name: tag.score for tag in effective_moods(track)}
    assert (effective["serene"], effective["sad"]) == (1.0, 0.0)
