"""The review queue: unreviewed analysed tracks, the model's least certain first, in the service and on
its admin page."""

import pytest
from django.urls import reverse

from catalog.choices import TrackStatus, Visibility
from catalog.services.editing import mark_reviewed, mark_unreviewed
from catalog.services.review_queue import next_in_queue, review_queue
from tests.catalog.editors import analysed_track, make_editor
from tests.factories import TrackFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return make_editor()


@pytest.fixture
def tracks():
    """Three analysed tracks whose uncertainty the model's scores decide: sure, torn, in between."""
    return {
        "sure": analysed_track({"calm": 0.99}, title="sure"),
        "torn": analysed_track({"calm": 0.5, "sad": 0.5, "dark": 0.5, "tense": 0.45}, title="torn"),
        "between": analysed_track({"calm": 0.7, "sad": 0.3}, title="between"),
    }


def titles(queryset) -> list[str]:
    return [track.title for track in queryset]


def test_the_queue_puts_the_most_uncertain_tracks_first(tracks):
    uncertainties = {name: track.analysis.uncertainty for name, track in tracks.items()}

    assert uncertainties["torn"] > uncertainties["between"] > uncertainties["sure"]
    assert titles(review_queue()) == ["torn", "between", "sure"]


def test_reviewed_unanalysed_and_failed_tracks_are_not_in_the_queue(tracks, editor):
    TrackFactory(title="pending", status=TrackStatus.PENDING)
    TrackFactory(title="no predictions")  # analysed before a bundle was installed
    mark_reviewed([tracks["torn"]], editor)

    assert titles(review_queue()) == ["between", "sure"]
    mark_unreviewed([tracks["torn"]], editor)
    assert titles(review_queue()) == ["torn", "between", "sure"]


def test_next_in_queue_skips_the_track_just_seen(tracks, editor):
    assert next_in_queue(editor).title == "torn"
    assert next_in_queue(editor, after=tracks["torn"]).title == "between"


def test_next_in_queue_never_leads_an_editor_to_a_private_upload(tracks, editor):
    hidden = analysed_track({"calm": 0.5, "sad": 0.5, "dark": 0.5, "tense": 0.5, "happy": 0.5},
                            title="private", visibility=Visibility.PRIVATE, owner=UserFactory())  # fmt: skip

    assert hidden.analysis.uncertainty > tracks["torn"].analysis.uncertainty
    assert next_in_queue(editor).title == "torn"
    assert next_in_queue(UserFactory(username="root", is_staff=True, is_superuser=True)) == hidden


def test_the_queue_page_lists_in_queue_order_and_opens_the_track_page(client, editor, tracks):
    client.force_login(editor)

    page = client.get(reverse("admin:catalog_reviewqueueentry_changelist"))
    opened = client.get(reverse("admin:catalog_reviewqueueentry_change", args=[tracks["between"].pk]))

    assert titles(page.context["cl"].result_list) == ["torn", "between", "sure"]
    assert opened["Location"] == reverse("admin:catalog_track_change", args=[tracks["between"].pk])


def test_marking_reviewed_from_the_queue_page_empties_it(client, editor, tracks):
    client.force_login(editor)
    ids = [track.pk for track in tracks.values()]

    client.post(
        reverse("admin:catalog_reviewqueueentry_changelist"),
        {"action": "mark_reviewed", "_selected_action": ids},
    )

    assert titles(review_queue()) == []
