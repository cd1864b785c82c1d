"""Editing services: verdicts stored apart from predictions, terms resolved from any taxonomy level, bulk
confirmation of top predictions, review state, and a history entry for every change."""

import importlib

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from catalog.models import ReviewQueueEntry, TagSource, Track, TrackGenre, TrackMood, TrackReview, Verdict
from catalog.services.editing import (
    EditingError,
    confirm_top_predictions,
    mark_reviewed,
    mark_unreviewed,
    resolve_genre_term,
    resolve_mood_term,
    set_verdict,
    withdraw_verdict,
)
from catalog.services.effective_tags import effective_moods
from catalog.services.predictions import persist_analysis
from tests.catalog.editors import analysed_track, make_editor, mood
from tests.catalog.model_outputs import make_features, make_prediction

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return make_editor()


def history(track) -> list[str]:
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Track), object_id=track.pk
    )
    return list(entries.order_by("pk").values_list("change_message", flat=True))


def test_a_verdict_is_an_editor_row_beside_the_untouched_model_row(editor):
    track = analysed_track({"calm": 0.82})

    message = set_verdict(track, mood("calm"), Verdict.ABSENT, editor)

    rows = {row.source: row for row in TrackMood.objects.filter(track=track, mood__name="calm")}
    assert rows[TagSource.MODEL].score == pytest.approx(0.82)
    assert rows[TagSource.EDITOR].verdict == Verdict.ABSENT and rows[TagSource.EDITOR].editor == editor
    assert message == "Mood 'calm': removed (model 0.82)"
    assert history(track) == [message]
    assert next(t for t in effective_moods(track) if t.term.name == "calm").score == 0.0


def test_withdrawing_a_verdict_gives_the_model_its_say_back(editor):
    track = analysed_track({"calm": 0.82})
    set_verdict(track, mood("calm"), Verdict.ABSENT, editor)

    message = withdraw_verdict(track, mood("calm"), editor)
    again = withdraw_verdict(track, mood("calm"), editor)

    assert message == "Mood 'calm': verdict withdrawn (model 0.82)"
    assert again is None
    assert not TrackMood.objects.filter(track=track, source=TagSource.EDITOR).exists()
    assert len(history(track)) == 2


@pytest.mark.parametrize(
    ("typed", "name", "level"),
    [("serene", "serene", 2), ("Tranquil", "tranquil", 3), ("calm", "calm", 2), ("dark", "dark", 2)],
)
def test_mood_terms_resolve_to_a_stored_level_2_mood_or_level_3_word(typed, name, level):
    term = resolve_mood_term(typed)
    assert (term.name, term.level) == (name, level)


@pytest.mark.parametrize(("typed", "expected"), [("powerful", "energetic, triumphant"), ("", "Type a mood")])
def test_families_without_a_namesake_and_blanks_are_refused(typed, expected):
    with pytest.raises(EditingError, match=expected):
        resolve_mood_term(typed)


def test_genre_terms_resolve_to_genres_and_subgenres():
    assert resolve_genre_term(" Bossa  Nova ").parent.name == "latin"
    with pytest.raises(EditingError):
        resolve_genre_term("yacht rock")


def test_bulk_confirmation_takes_the_strongest_predictions_and_respects_earlier_removals(editor):
    track = analysed_track(
        {"happy": 0.95, "cheerful": 0.9, "playful": 0.8, "euphoric": 0.7, "sad": 0.45},
        {"pop": 0.9, "rock": 0.6},
    )
    set_verdict(track, mood("cheerful"), Verdict.ABSENT, editor)
    quiet = analysed_track({"sad": 0.3})

    done = confirm_top_predictions([track, quiet], editor, top_moods=3, top_genres=1)

    editor_moods = dict(
        TrackMood.objects.filter(track=track, source=TagSource.EDITOR).values_list("mood__name", "verdict")
    )
    assert editor_moods == {
        "happy": "present",
        "cheerful": "absent",
        "playful": "present",
        "euphoric": "present",
    }
    assert list(
        TrackGenre.objects.filter(track=track, source=TagSource.EDITOR).values_list("genre__name")
    ) == [("pop",)]
    assert (done.tracks, done.moods, done.genres) == (1, 3, 1)
    assert history(track)[-1] == (
        "Confirmed top predictions: Mood 'happy' (0.95), Mood 'playful' (0.80), Mood 'euphoric' (0.70), "
        "Genre 'pop' (0.90)"
    )
    assert history(quiet) == []


def test_review_state_and_its_history(editor):
    track = analysed_track({"calm": 0.6})
    other_editor = make_editor("otto")

    assert mark_reviewed([track], editor) == 1
    assert mark_reviewed([track], other_editor) == 1  # the latest reviewer counts
    review = TrackReview.objects.get(track=track)
    assert (review.reviewer, review.model_version) == (other_editor, "moodmix-test-v1")
    assert mark_unreviewed([track], editor) == 1
    assert mark_unreviewed([track], editor) == 0
    assert history(track) == [
        "Marked reviewed; predictions left standing: Mood 'calm' (0.60)",
        "Marked reviewed; predictions left standing: Mood 'calm' (0.60)",
        "Marked unreviewed",
    ]
    assert not TrackMood.objects.filter(track=track, source=TagSource.EDITOR).exists()  # gone with it


def test_mark_reviewed_creates_no_editor_labels(editor):
    track = analysed_track({"calm": 0.9, "serene": 0.7, "sad": 0.4}, {"ambient": 0.8})
    set_verdict(track, mood("serene"), Verdict.ABSENT, editor)
    before = [(tag.term.name, tag.score, tag.source) for tag in effective_moods(track)]

    mark_reviewed([track], editor)

    editor_rows = TrackMood.objects.filter(track=track, source=TagSource.EDITOR)
    assert dict(editor_rows.values_list("mood__name", "verdict")) == {"calm": "accepted", "serene": "absent"}
    assert not TrackGenre.objects.filter(track=track, verdict__in=Verdict.decided()).exists()
    assert TrackGenre.objects.get(track=track, source=TagSource.EDITOR).verdict == Verdict.ACCEPTED
    assert [(tag.term.name, tag.score, tag.source) for tag in effective_moods(track)] == before
    assert history(track)[-1] == (
        "Marked reviewed; predictions left standing: Mood 'calm' (0.90), Genre 'ambient' (0.80)"
    )


def test_a_prediction_accepted_at_review_never_overrides_the_next_model(editor):
    track = analysed_track({"calm": 0.9})
    mark_reviewed([track], editor)

    persist_analysis(track, make_prediction("moodmix-test-v2", moods={"calm": 0.1}), make_features())

    calm = next(tag for tag in effective_moods(track) if tag.term.name == "calm")
    assert (calm.score, calm.source) == (pytest.approx(0.1), TagSource.MODEL)


def test_confirming_an_accepted_prediction_makes_it_a_verdict(editor):
    track = analysed_track({"calm": 0.9, "happy": 0.8})
    mark_reviewed([track], editor)

    set_verdict(track, mood("calm"), Verdict.PRESENT, editor)
    done = confirm_top_predictions([track], editor)

    verdicts = dict(
        TrackMood.objects.filter(track=track, source=TagSource.EDITOR).values_list("mood__name", "verdict")
    )
    assert verdicts == {"calm": "present", "happy": "present"}
    assert done.moods == 1


def test_the_migration_demotes_only_acceptances_no_editor_later_confirmed():
    migration = importlib.import_module("catalog.migrations.0009_accepted_predictions")

    demoted = migration._only_accepted_at_review(
        [
            "Marked reviewed, accepting Mood 'calm' (0.90), Mood 'sad' (0.70), Genre 'rhythm, blues' (0.60)",
            "Mood 'sad': confirmed (model 0.70)",
            "Confirmed top predictions: Mood 'happy' (0.80)",
            "Marked reviewed, accepting Mood 'happy' (0.80)",
            "Mood 'happy': removed (model 0.80)",
        ]
    )

    assert demoted == {("Mood", "calm"), ("Genre", "rhythm, blues")}


def test_edits_through_the_review_queue_are_logged_on_the_track(editor):
    track = analysed_track({"calm": 0.6})
    entry = ReviewQueueEntry.objects.get(pk=track.pk)

    set_verdict(entry, mood("calm"), Verdict.PRESENT, editor)

    assert history(track) == ["Mood 'calm': confirmed (model 0.60)"]


def test_a_family_row_cannot_be_tagged(editor):
    track = analysed_track()
    family = mood("calm").parent

    with pytest.raises(EditingError, match="family"):
        set_verdict(track, family, Verdict.PRESENT, editor)
    assert history(track) == []
