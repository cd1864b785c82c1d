"""The catalogue pages as a listener sees them: list with search/filter/pagination, detail with player
and waveform, audio with byte ranges, upload behind login, and the JSON status endpoint."""

import json

import pytest
from django.core.files import File
from django.urls import reverse

from catalog.choices import TrackStatus, Visibility
from catalog.models import Track
from catalog.services.ingest import ingest_file
from tests.catalog.audio import write_audio
from tests.factories import ArtistFactory, TrackFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("catalog:track-list")
UPLOAD = reverse("catalog:upload")
STATUS = reverse("catalog:track-status")


def titles(response) -> list[str]:
    return [t.title for t in response.context["page"].object_list]


def test_list_shows_public_tracks_and_my_private_ones_but_not_others(listener_client, listener):
    TrackFactory(title="Public song")
    TrackFactory(title="My demo", visibility=Visibility.PRIVATE, owner=listener)
    TrackFactory(title="Their demo", visibility=Visibility.PRIVATE, owner=UserFactory())

    response = listener_client.get(LIST)

    assert response.status_code == 200
    assert sorted(titles(response)) == ["My demo", "Public song"]
    assert "Their demo" not in response.content.decode()


def test_anonymous_visitors_see_only_public_tracks(client):
    TrackFactory(title="Public song")
    TrackFactory(title="Private song", visibility=Visibility.PRIVATE)

    assert titles(client.get(LIST)) == ["Public song"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("blue", ["Blue in Green"]),
        ("davis", ["Blue in Green"]),
        ("kind of", ["Blue in Green"]),
        ("GIANT", ["Naima"]),
    ],
)
def test_search_matches_title_artist_and_album_ignoring_case(client, query, expected):
    TrackFactory(title="Blue in Green", artist=ArtistFactory(name="Miles Davis"), album="Kind of Blue")
    TrackFactory(title="Naima", artist=ArtistFactory(name="John Coltrane"), album="Giant Steps")

    assert titles(client.get(LIST, {"q": query})) == expected


def test_status_filter(client):
    TrackFactory(title="Done", status=TrackStatus.ANALYZED)
    TrackFactory(title="Waiting", status=TrackStatus.PENDING)
    TrackFactory(title="Broken", status=TrackStatus.FAILED, error_code="undecodable")

    response = client.get(LIST, {"status": "failed"})

    assert titles(response) == ["Broken"]
    assert 'class="badge badge-red"' in response.content.decode()


def test_pagination_keeps_the_filters_and_the_query_count_is_bounded(client, django_assert_max_num_queries):
    TrackFactory.create_batch(30, album="Box set")

    # count + one page of tracks joined with their artists + the page's moods + the page's genres
    with django_assert_max_num_queries(5):
        page_two = client.get(LIST, {"q": "box", "page": 2})

    assert len(titles(page_two)) == 5
    assert "Page 2 of 2" in page_two.content.decode()
    assert 'href="?q=box&amp;page=1"' in page_two.content.decode()


def test_each_row_names_the_strongest_mood_families_and_genre_with_editors_first(client):
    from catalog.models import Mood, Verdict
    from catalog.services.effective_tags import set_editor_verdict
    from catalog.services.predictions import persist_analysis
    from tests.catalog.model_outputs import make_features, make_prediction

    analysed = TrackFactory(title="Night drive")
    TrackFactory(title="Still queued")
    moods, genres = {"serene": 0.6, "mournful": 0.4, "angry": 0.1}, {"ambient": 0.8, "jazz": 0.1}
    persist_analysis(analysed, make_prediction("moodmix-v1", moods=moods, genres=genres), make_features())
    set_editor_verdict(analysed, Mood.objects.get(name="angry"), Verdict.PRESENT, UserFactory(is_staff=True))

    rows = {t.title: t.row_tags for t in client.get(LIST).context["page"].object_list}

    assert [tag.term.name for tag in rows["Night drive"].families] == ["aggressive", "calm"]
    assert rows["Night drive"].families[0].is_editor
    assert rows["Night drive"].genre.term.name == "ambient"
    assert rows["Still queued"].families == [] and rows["Still queued"].genre is None


def test_detail_page_has_player_waveform_and_metadata(client):
    track = TrackFactory(
        title="Alone Together", waveform=[0.1, 0.8, 0.3], loudness_lufs=-14.2, genre_tag="Jazz"
    )

    response = client.get(track.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert f'src="{reverse("catalog:track-audio", args=[track.pk])}"' in html
    assert '<script id="waveform-peaks" type="application/json">[0.1, 0.8, 0.3]</script>' in html
    assert "-14.2 LUFS" in html
    assert "Jazz" in html


def test_detail_page_explains_a_failure(client):
    track = TrackFactory(
        status=TrackStatus.FAILED, error_code="undecodable", error_detail="flac decoder lost sync"
    )

    html = client.get(track.get_absolute_url()).content.decode()

    assert "Analysis failed: the audio could not be decoded</strong> (<code>undecodable</code>)" in html
    assert "flac decoder lost sync" in html


def test_someone_elses_private_track_is_not_found(listener_client):
    track = TrackFactory(visibility=Visibility.PRIVATE, owner=UserFactory())

    assert listener_client.get(track.get_absolute_url()).status_code == 404
    assert listener_client.get(reverse("catalog:track-audio", args=[track.pk])).status_code == 404


def test_audio_is_served_whole_or_by_byte_range(client):
    track = TrackFactory()
    with track.audio_file.open("rb") as handle:
        data = handle.read()
    url = reverse("catalog:track-audio", args=[track.pk])

    whole = client.get(url)
    part = client.get(url, HTTP_RANGE="bytes=4-9")
    tail = client.get(url, HTTP_RANGE="bytes=-3")
    beyond = client.get(url, HTTP_RANGE=f"bytes={len(data)}-")

    assert (whole.status_code, b"".join(whole.streaming_content)) == (200, data)
    assert whole["Content-Type"] == "audio/wav"
    assert (part.status_code, b"".join(part.streaming_content)) == (206, data[4:10])
    assert part["Content-Range"] == f"bytes 4-9/{len(data)}"
    assert b"".join(tail.streaming_content) == data[-3:]
    assert beyond.status_code == 416


def test_upload_requires_login(client):
    response = client.get(UPLOAD)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.post(UPLOAD, {}).status_code == 302
    assert Track.objects.count() == 0


def test_upload_page_renders_for_a_listener(listener_client):
    html = listener_client.get(UPLOAD).content.decode()

    assert 'id="dropzone"' in html
    assert 'data-formats="mp3,ogg,oga,opus,flac,wav' in html
    assert "upload.js" in html


def test_xhr_upload_answers_json_and_sets_the_owner(listener_client, listener, audio_dir):
    path = write_audio(audio_dir / "Bill Evans - Peace Piece.ogg", seconds=2.0)

    with path.open("rb") as handle:
        response = listener_client.post(
            UPLOAD, {"files": handle, "visibility": "public"}, HTTP_ACCEPT="application/json"
        )

    assert response.status_code == 201
    [result] = response.json()["results"]
    track = Track.objects.get(pk=result["track"]["id"])
    assert result["ok"] is True
    assert result["track"]["status"] == "pending"
    assert (track.owner, track.visibility, track.title) == (listener, Visibility.PUBLIC, "Peace Piece")


def test_a_listener_uploads_a_file_another_holds_privately_and_learns_nothing_of_it(
    listener_client, listener, audio_dir
):
    path = write_audio(audio_dir / "Secret Band - Unreleased Demo.wav", seconds=2.0)
    with path.open("rb") as handle:
        theirs = ingest_file(File(handle, name=path.name), owner=UserFactory(username="keeper"))

    with path.open("rb") as handle:
        response = listener_client.post(UPLOAD, {"files": handle}, HTTP_ACCEPT="application/json")
    after = listener_client.get(LIST).content.decode()

    assert response.status_code == 201  # accepted, as if nobody else had the file
    [result] = response.json()["results"]
    mine = Track.objects.get(pk=result["track"]["id"])
    assert mine.owner == listener and mine.pk != theirs.pk
    body = response.content.decode()
    assert "keeper" not in body and "private" not in body and f"#{theirs.pk}" not in body
    assert reverse("catalog:track-detail", args=[theirs.pk]) not in body + after
    assert listener_client.get(theirs.get_absolute_url()).status_code == 404


def test_xhr_upload_of_a_non_audio_file_is_refused_with_its_reason(listener_client, tmp_path):
    fake = tmp_path / "cover.mp3"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(4000))

    with fake.open("rb") as handle:
        response = listener_client.post(UPLOAD, {"files": handle}, HTTP_ACCEPT="application/json")

    assert response.status_code == 400
    [result] = response.json()["results"]
    assert result["ok"] is False
    assert result["error"]["code"] == "not_audio"
    assert "does not contain playable audio" in result["error"]["message"]
    assert Track.objects.count() == 0


def test_plain_form_upload_of_several_files_reports_each(listener_client, audio_dir):
    good = write_audio(audio_dir / "good.wav")
    bad = audio_dir / "bad.flac"
    bad.write_bytes(b"not audio" * 100)

    with good.open("rb") as g, bad.open("rb") as b:
        response = listener_client.post(UPLOAD, {"files": [g, b], "visibility": "private"}, follow=True)

    messages = [str(m) for m in response.context["messages"]]
    assert messages[0] == "good.wav: uploaded; analysis queued."
    assert messages[1].startswith("bad.flac: This file does not contain playable audio")
    assert Track.objects.count() == 1


def test_status_endpoint_reports_the_tracks_i_may_see(listener_client):
    mine = TrackFactory(status=TrackStatus.ANALYZING)
    failed = TrackFactory(status=TrackStatus.FAILED, error_code="silent", error_detail="The audio is silent.")
    hidden = TrackFactory(visibility=Visibility.PRIVATE, owner=UserFactory())

    body = listener_client.get(STATUS, {"ids": f"{mine.pk},{failed.pk},{hidden.pk}"}).json()

    by_id = {t["id"]: t for t in body["tracks"]}
    assert set(by_id) == {mine.pk, failed.pk}
    assert (by_id[mine.pk]["status"], by_id[mine.pk]["final"]) == ("analyzing", False)
    assert (by_id[failed.pk]["final"], by_id[failed.pk]["error_code"]) == (True, "silent")


def test_status_endpoint_rejects_malformed_ids(client):
    response = client.get(STATUS, {"ids": "1,two"})

    assert response.status_code == 400
    assert "comma-separated" in json.loads(response.content)["error"]


def test_login_page_renders(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()
