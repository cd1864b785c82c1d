"""The track page's tag editor: predicted scores beside editor verdicts, confirm / remove / withdraw / add
(any level of the taxonomy), the review buttons, and the history those edits leave."""

import pytest
from django.urls import reverse

from catalog.models import TagSource, TrackGenre, TrackMood, TrackReview, Verdict
from tests.catalog.editors import analysed_track, genre, make_editor, mood

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return make_editor()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def track():
    return analysed_track({"happy": 0.91, "playful": 0.62, "sad": 0.2}, {"pop": 0.77}, title="Sunny Side")


def page_of(client, track) -> str:
    response = client.get(reverse("admin:catalog_track_change", args=[track.pk]))
    assert response.status_code == 200
    return response.content.decode()


def post(client, track, op: str, **fields):
    return client.post(
        reverse("admin:catalog_track_tags", args=[track.pk]), {"op": op, **fields}, follow=True
    )


def editor_rows(track) -> dict[str, str]:
    moods = TrackMood.objects.filter(track=track, source=TagSource.EDITOR).values_list(
        "mood__name", "verdict"
    )
    genres = TrackGenre.objects.filter(track=track, source=TagSource.EDITOR).values_list(
        "genre__name", "verdict"
    )
    return dict(moods) | dict(genres)


def test_the_page_shows_the_player_and_each_predicted_score_beside_the_verdict(editor_client, track):
    page = page_of(editor_client, track)

    assert reverse("catalog:track-audio", args=[track.pk]) in page
    assert 'value="confirm mood {}"'.format(mood("happy").pk) in page
    assert "0.91" in page and "0.62" in page and "0.77" in page
    assert "unreviewed" in page and "moodmix-test-v1" in page


def test_a_mood_implied_by_a_word_is_listed_with_the_moods_worth_a_look(editor_client, track):
    post(editor_client, track, "add mood", mood_term="bittersweet")

    page = page_of(editor_client, track)

    folded = page.index("more below")
    assert page.index("word of melancholic") < folded  # the word itself
    assert page.index(f'value="confirm mood {mood("melancholic").pk}"') < folded  # its mood, model 0.05
    assert page.index(f'value="confirm mood {mood("sad").pk}"') > folded  # a plain 0.20 prediction


def test_confirm_remove_and_withdraw_write_editor_rows_and_keep_the_model_rows(editor_client, track):
    post(editor_client, track, f"confirm mood {mood('happy').pk}")
    post(editor_client, track, f"remove mood {mood('playful').pk}")
    post(editor_client, track, f"remove genre {genre('pop').pk}")
    response = post(editor_client, track, f"withdraw genre {genre('pop').pk}")

    assert editor_rows(track) == {"happy": Verdict.PRESENT, "playful": Verdict.ABSENT}
    assert TrackMood.objects.filter(track=track, source=TagSource.MODEL).count() == 40
    assert TrackMood.objects.get(
        track=track, mood__name="playful", source=TagSource.MODEL
    ).score == pytest.approx(0.62)
    assert "Genre &#x27;pop&#x27;: verdict withdrawn (model 0.77)" in response.content.decode()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Bittersweet", "bittersweet"),  # a level-3 word is kept as typed: it implies melancholic
        ("melancholic", "melancholic"),  # a level-2 mood
        ("  SAD ", "sad"),  # a family with a namesake mood tags that mood
    ],
)
def test_adding_a_mood_at_any_level_stores_the_term_it_resolves_to(editor_client, track, typed, stored):
    post(editor_client, track, "add mood", mood_term=typed)

    assert editor_rows(track) == {stored: Verdict.PRESENT}


def test_a_family_without_a_namesake_mood_is_refused_with_its_moods(editor_client, track):
    response = post(editor_client, track, "add mood", mood_term="joyful")

    assert editor_rows(track) == {}
    assert "happy, cheerful, playful, euphoric" in response.content.decode()


def test_adding_a_subgenre_and_an_unknown_term(editor_client, track):
    post(editor_client, track, "add genre", genre_term="bossa nova")
    response = post(editor_client, track, "add mood", mood_term="glorpy")

    assert editor_rows(track) == {"bossa nova": Verdict.PRESENT}
    assert "not in the mood taxonomy" in response.content.decode()


def test_every_edit_is_in_the_tracks_history(editor_client, track):
    post(editor_client, track, f"confirm mood {mood('happy').pk}")
    post(editor_client, track, "add mood", mood_term="bittersweet")
    post(editor_client, track, "reviewed")

    history = editor_client.get(reverse("admin:catalog_track_history", args=[track.pk])).content.decode()

    assert "Mood &#x27;happy&#x27;: confirmed (model 0.91)" in history
    assert "Word &#x27;bittersweet&#x27;: added" in history
    assert "Marked reviewed" in history
    assert history.count("edith") >= 3


def test_reviewed_next_moves_down_the_review_queue(editor_client, editor, track):
    next_up = analysed_track({"calm": 0.5, "tense": 0.5, "dark": 0.5}, title="Most uncertain")
    analysed_track({"calm": 0.95}, title="Sure")

    response = editor_client.post(
        reverse("admin:catalog_track_tags", args=[track.pk]), {"op": "reviewed next"}
    )

    assert TrackReview.objects.get(track=track).reviewer == editor
    assert response["Location"] == reverse("admin:catalog_track_change", args=[next_up.pk])
    assert "Mark unreviewed" in page_of(editor_client, track)


def test_unknown_operations_change_nothing(editor_client, track):
    for op in ("explode", "confirm mood", "confirm mood 999999", "confirm planet 1", "add colour"):
        post(editor_client, track, op)

    assert editor_rows(track) == {}
    assert editor_client.get(reverse("admin:catalog_track_tags", args=[track.pk])).status_code == 405
