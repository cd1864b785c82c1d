"""The editors' workspace: who may use it, the track list (query counts, tags with editor priority,
filters) and its bulk actions."""

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse

from catalog.choices import TrackStatus, Visibility
from catalog.models import TagSource, Track, TrackMood, TrackReview, Verdict
from catalog.services.editing import set_verdict
from tests.catalog.editors import analysed_track, bulk_analysed_tracks, genre, make_editor, mood
from tests.factories import TrackFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:catalog_track_changelist")


@pytest.fixture
def editor():
    return make_editor()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def listed(response) -> list[str]:
    return sorted(track.title for track in response.context["cl"].result_list)


# --- who may do what ----------------------------------------------------------------------------------


def test_an_editor_can_open_the_workspace_and_tag_a_track(editor_client):
    track = analysed_track({"calm": 0.9}, title="Slow Morning")

    pages = [
        editor_client.get(CHANGELIST),
        editor_client.get(reverse("admin:catalog_track_change", args=[track.pk])),
        editor_client.get(reverse("admin:catalog_reviewqueueentry_changelist")),
        editor_client.get(reverse("admin:catalog_mood_changelist")),
    ]
    tagged = editor_client.post(
        reverse("admin:catalog_track_tags", args=[track.pk]), {"op": f"confirm mood {mood('calm').pk}"}
    )

    assert [page.status_code for page in pages] == [200, 200, 200, 200]
    assert tagged.status_code == 302
    assert (
        TrackMood.objects.filter(track=track, source=TagSource.EDITOR, verdict=Verdict.PRESENT).count() == 1
    )


def test_an_editor_cannot_delete_tracks_or_touch_users(editor_client):
    track = TrackFactory()

    delete_page = editor_client.get(reverse("admin:catalog_track_delete", args=[track.pk]))
    bulk_delete = editor_client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [track.pk]}
    )
    users = editor_client.get(reverse("admin:auth_user_changelist"))
    groups = editor_client.get(reverse("admin:auth_group_changelist"))

    assert delete_page.status_code == 403
    assert Track.objects.filter(pk=track.pk).exists()  # the unknown action did nothing
    assert (
        "delete_selected" not in editor_client.get(CHANGELIST).context["action_form"].fields["action"].choices
    )
    assert bulk_delete.status_code in (200, 302)
    assert users.status_code == groups.status_code == 403


def test_an_editor_fixes_metadata_but_not_the_owner_or_the_machine_fields(editor_client, editor):
    owner = UserFactory(username="uploader")
    track = TrackFactory(title="Untitled 3", owner=owner, duration_s=30.0)
    other = UserFactory(username="someone-else")

    response = editor_client.post(
        reverse("admin:catalog_track_change", args=[track.pk]),
        {"title": "Clair de lune", "artist": track.artist_id, "album": "Suite", "genre_tag": "",
         "visibility": "public", "owner": other.pk, "duration_s": 1.0},
    )  # fmt: skip

    track.refresh_from_db()
    assert response.status_code == 302
    assert (track.title, track.album, track.owner, track.duration_s) == (
        "Clair de lune",
        "Suite",
        owner,
        30.0,
    )
    assert LogEntry.objects.filter(object_id=str(track.pk), user=editor).exists()


def test_staff_outside_the_editors_group_cannot_tag(client):
    client.force_login(UserFactory(username="intern", is_staff=True))
    track = analysed_track({"calm": 0.9})

    response = client.post(
        reverse("admin:catalog_track_tags", args=[track.pk]), {"op": f"confirm mood {mood('calm').pk}"}
    )

    assert response.status_code == 403
    assert not TrackMood.objects.filter(track=track, source=TagSource.EDITOR).exists()


def test_a_listener_cannot_open_the_admin(client):
    client.force_login(UserFactory(username="ada"))
    track = TrackFactory()

    for url in (reverse("admin:index"), CHANGELIST, reverse("admin:catalog_track_change", args=[track.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


# --- private uploads: the owner's, not the editors' -----------------------------------------------------


@pytest.fixture
def uploads():
    """A listener's private upload, another one submitted for review, and a public track, all analysed."""
    owner = UserFactory(username="uploader")
    return {
        "private": analysed_track({"calm": 0.9}, title="Diary Entry", owner=owner,
                                  visibility=Visibility.PRIVATE),
        "submitted": analysed_track({"calm": 0.9}, title="For Review", owner=owner,
                                    visibility=Visibility.PRIVATE, submitted_for_review=True),
        "public": analysed_track({"calm": 0.9}, title="Out There", owner=owner),
    }  # fmt: skip


def test_an_editor_cannot_see_a_private_upload_anywhere(editor_client, uploads):
    private = uploads["private"]
    change = reverse("admin:catalog_track_change", args=[private.pk])

    changelist = editor_client.get(CHANGELIST)
    queue = editor_client.get(reverse("admin:catalog_reviewqueueentry_changelist"))
    searched = editor_client.get(CHANGELIST, {"q": private.content_sha256})
    change_page = editor_client.get(change)
    history = editor_client.get(reverse("admin:catalog_track_history", args=[private.pk]))
    tagged = editor_client.post(
        reverse("admin:catalog_track_tags", args=[private.pk]), {"op": f"confirm mood {mood('calm').pk}"}
    )
    audio = editor_client.get(reverse("catalog:track-audio", args=[private.pk]))
    page = editor_client.get(private.get_absolute_url())
    catalogue = editor_client.get(reverse("catalog:track-list")).content.decode()
    status = editor_client.get(reverse("catalog:track-status"), {"ids": str(private.pk)}).json()
    artists = editor_client.get(reverse("admin:catalog_artist_changelist")).content.decode()

    assert listed(changelist) == ["For Review", "Out There"]
    assert listed(queue) == ["For Review", "Out There"]
    assert listed(searched) == []
    assert change_page.status_code == history.status_code == 302  # "doesn't exist", like a wrong id
    assert "Diary Entry" not in editor_client.get(change_page["Location"]).content.decode()
    assert tagged.status_code == audio.status_code == page.status_code == 404
    assert "Diary Entry" not in catalogue and status == {"tracks": []}
    assert private.artist.name not in artists  # the artist is known only from the private upload
    assert not TrackMood.objects.filter(track=private, source=TagSource.EDITOR).exists()


def test_actions_on_a_private_upload_do_nothing(editor_client, uploads, monkeypatch):
    private = uploads["private"]
    monkeypatch.setattr("catalog.tasks.analyze_track.delay", lambda pk: None)

    for action in ("confirm_top", "mark_reviewed", "reanalyse"):
        editor_client.post(CHANGELIST, {"action": action, "_selected_action": [private.pk]})

    private.refresh_from_db()
    assert not TrackReview.objects.filter(track=private).exists()
    assert not TrackMood.objects.filter(track=private, source=TagSource.EDITOR).exists()
    assert private.status == TrackStatus.ANALYZED  # not re-queued


def test_an_editor_works_on_a_submitted_track_but_cannot_publish_it(editor_client, uploads):
    submitted = uploads["submitted"]
    url = reverse("admin:catalog_track_change", args=[submitted.pk])

    page = editor_client.get(url)
    tagged = editor_client.post(
        reverse("admin:catalog_track_tags", args=[submitted.pk]), {"op": f"confirm mood {mood('calm').pk}"}
    )
    saved = editor_client.post(
        url,
        {"title": "Renamed", "artist": submitted.artist_id, "album": "", "genre_tag": "",
         "visibility": "public", "submitted_for_review": ""},
    )  # fmt: skip
    streamed = editor_client.get(reverse("catalog:track-audio", args=[submitted.pk]))

    submitted.refresh_from_db()
    assert page.status_code == 200 and tagged.status_code == 302 and streamed.status_code == 200
    assert 'name="visibility"' not in page.content.decode()  # shown read-only
    assert saved.status_code == 302
    assert submitted.title == "Renamed"  # the editor's metadata fix is kept ...
    assert (submitted.visibility, submitted.submitted_for_review) == (Visibility.PRIVATE, True)  # not this


def test_an_editor_cannot_make_a_public_track_private_or_submit_it(editor_client, uploads):
    public = uploads["public"]

    editor_client.post(
        reverse("admin:catalog_track_change", args=[public.pk]),
        {"title": public.title, "artist": public.artist_id, "album": "", "genre_tag": "",
         "visibility": "private", "submitted_for_review": "on"},
    )  # fmt: skip

    public.refresh_from_db()
    assert (public.visibility, public.submitted_for_review) == (Visibility.PUBLIC, False)


def test_a_superuser_sees_every_track_and_changes_visibility(client, uploads):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    private = uploads["private"]

    listed_titles = listed(client.get(CHANGELIST))
    response = client.post(
        reverse("admin:catalog_track_change", args=[private.pk]),
        {"title": private.title, "artist": private.artist_id, "album": "", "genre_tag": "",
         "visibility": "public", "submitted_for_review": ""},
    )  # fmt: skip

    private.refresh_from_db()
    assert listed_titles == ["Diary Entry", "For Review", "Out There"]
    assert response.status_code == 302 and private.visibility == Visibility.PUBLIC


def test_only_the_owner_publishes_or_submits_a_track_from_its_page(client, editor, uploads):
    private, submitted = uploads["private"], uploads["submitted"]
    sharing = reverse("catalog:track-sharing", args=[private.pk])

    client.force_login(editor)
    by_editor = client.post(reverse("catalog:track-sharing", args=[submitted.pk]), {"visibility": "public"})
    unseen = client.post(sharing, {"visibility": "public"})
    client.force_login(private.owner)
    page = client.get(private.get_absolute_url()).content.decode()
    by_owner = client.post(sharing, {"visibility": "private", "submitted_for_review": "on"})

    private.refresh_from_db()
    submitted.refresh_from_db()
    assert by_editor.status_code == 403 and unseen.status_code == 404
    assert submitted.visibility == Visibility.PRIVATE
    assert sharing in page and "Ask editors to review its tags" in page
    assert by_owner.status_code == 302
    assert (private.visibility, private.submitted_for_review) == (Visibility.PRIVATE, True)
    assert listed(client_for(editor).get(CHANGELIST)) == ["Diary Entry", "For Review", "Out There"]


def client_for(user) -> Client:
    logged_in = Client()
    logged_in.force_login(user)
    return logged_in


# --- the track list -------------------------------------------------------------------------------------


def test_the_track_list_query_count_stays_bounded_with_200_tracks(
    editor_client, editor, django_assert_max_num_queries
):
    tracks = bulk_analysed_tracks(200)
    for track in tracks[:20]:
        set_verdict(track, mood("calm"), Verdict.PRESENT, editor)
    TrackReview.objects.create(track=tracks[0], reviewer=editor, reviewed_at=tracks[0].created)

    # Session, user, 2 x permissions, 4 filters' choices, 2 x count, the page (tracks joined with artist,
    # analysis, review and reviewer), the page's moods, its genres, 2 x date hierarchy: 15, whatever the size.
    with django_assert_max_num_queries(15):
        response = editor_client.get(CHANGELIST, {"p": 1})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 200
    assert len(response.context["cl"].result_list) == 100
    calm_family = mood("calm").parent_id
    with django_assert_max_num_queries(15):
        filtered = editor_client.get(CHANGELIST, {"family": calm_family, "review": "unreviewed"})
    assert filtered.status_code == 200


def test_the_list_shows_effective_tags_with_the_editors_verdicts_first(editor_client, editor):
    track = analysed_track({"happy": 0.9, "sad": 0.6}, {"jazz": 0.8}, title="Blue")
    set_verdict(track, mood("happy"), Verdict.ABSENT, editor)  # the model's top mood, removed
    set_verdict(track, mood("bittersweet"), Verdict.PRESENT, editor)  # a word, implying melancholic

    page = editor_client.get(CHANGELIST).content.decode()

    row = page[page.index(">Blue<") :]
    row = row[: row.index("</tr>")]
    assert "happy" not in row
    assert "\u2713 bittersweet" in row and "\u2713 melancholic" in row  # editor tags, marked
    assert "sad <small>0.60</small>" in row and "jazz <small>0.80</small>" in row
    assert "unreviewed" in row


def test_filters_match_what_tracks_effectively_have(editor_client, editor):
    analysed_track({"calm": 0.8}, {"ambient": 0.9}, title="predicted calm")
    removed = analysed_track({"calm": 0.8}, title="calm removed by an editor")
    set_verdict(removed, mood("calm"), Verdict.ABSENT, editor)
    word = analysed_track({"sad": 0.7}, title="tagged with a calm word")
    set_verdict(word, mood("tranquil"), Verdict.PRESENT, editor)
    serene = analysed_track({"serene": 0.9}, title="serene, same family")
    TrackFactory(title="not analysed")
    TrackReview.objects.create(track=serene, reviewer=editor, reviewed_at=serene.created)

    by_mood = editor_client.get(CHANGELIST, {"mood": mood("calm").pk})
    by_family = editor_client.get(CHANGELIST, {"family": mood("calm").parent_id})
    by_genre = editor_client.get(CHANGELIST, {"genre": genre("ambient").pk})
    reviewed = editor_client.get(CHANGELIST, {"review": "reviewed"})
    unanalysed = editor_client.get(CHANGELIST, {"model_version": "-"})
    junk = editor_client.get(CHANGELIST, {"mood": "not-a-number"})

    assert listed(by_mood) == ["predicted calm", "tagged with a calm word"]
    assert listed(by_family) == ["predicted calm", "serene, same family", "tagged with a calm word"]
    assert listed(by_genre) == ["predicted calm"]
    assert listed(reviewed) == ["serene, same family"]
    assert listed(unanalysed) == ["not analysed"]
    assert junk.status_code == 200 and len(listed(junk)) == 5


# --- bulk actions ---------------------------------------------------------------------------------------


def test_confirm_top_predictions_and_mark_reviewed_in_bulk(editor_client, editor):
    tracks = [analysed_track({"happy": 0.9, "playful": 0.7, "sad": 0.3}, {"pop": 0.8}) for _ in range(2)]
    ids = [track.pk for track in tracks]

    editor_client.post(CHANGELIST, {"action": "confirm_top", "_selected_action": ids})
    editor_client.post(CHANGELIST, {"action": "mark_reviewed", "_selected_action": ids})

    confirmed = TrackMood.objects.filter(track__in=ids, source=TagSource.EDITOR, verdict=Verdict.PRESENT)
    assert sorted(confirmed.values_list("mood__name", flat=True)) == ["happy", "happy", "playful", "playful"]
    assert TrackMood.objects.filter(track__in=ids, source=TagSource.MODEL).count() == 2 * 40  # untouched
    assert set(TrackReview.objects.filter(track__in=ids).values_list("reviewer", flat=True)) == {editor.pk}
    assert LogEntry.objects.filter(object_id__in=[str(i) for i in ids], user=editor).count() == 4


def test_reanalyse_action_requeues_the_selected_tracks(
    editor_client, monkeypatch, django_capture_on_commit_callbacks
):
    failed = TrackFactory(status=TrackStatus.FAILED, error_code="undecodable")
    queued = []
    monkeypatch.setattr("catalog.tasks.analyze_track.delay", queued.append)

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            CHANGELIST, {"action": "reanalyse", "_selected_action": [failed.pk]}, follow=True
        )

    failed.refresh_from_db()
    assert failed.status == TrackStatus.PENDING
    assert queued == [failed.pk]
    assert "1 track(s) queued for analysis." in response.content.decode()


def test_artist_page_renders_for_editors(editor_client):
    track = TrackFactory(status=TrackStatus.FAILED, error_code="undecodable", error_detail="lost sync")

    track_page = editor_client.get(reverse("admin:catalog_track_change", args=[track.pk]))
    artist_page = editor_client.get(reverse("admin:catalog_artist_change", args=[track.artist.pk]))

    assert track_page.status_code == artist_page.status_code == 200
    assert "lost sync" in track_page.content.decode()
