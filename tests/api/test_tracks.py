"""GET /tracks and /tracks/{id}: visibility, filters, tags, features, pagination and its errors."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.choices import TrackErrorCode, TrackStatus, Visibility
from catalog.models import Mood, TagSource, TrackMood, Verdict
from tests.api.catalogue import MODEL_VERSION, analysed_track
from tests.factories import TrackFactory, UserFactory

pytestmark = pytest.mark.django_db

TRACKS = "/api/v1/tracks"


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def catalogue(taxonomy, partner, other_partner):
    return {
        "calm": analysed_track(
            title="Still Water",
            moods={"serene": 0.9, "sad": 0.1},
            genres={"ambient": 0.8},
            valence=0.3,
            arousal=-0.8,
        ),
        "angry": analysed_track(
            title="Riot", moods={"angry": 0.85}, genres={"metal": 0.9}, valence=-0.6, arousal=0.9
        ),
        "mine": analysed_track(
            title="Own Upload",
            moods={"happy": 0.7},
            owner=partner.user,
            visibility=Visibility.PRIVATE,
            valence=0.8,
        ),
        "theirs": analysed_track(
            title="Their Secret",
            moods={"serene": 0.95},
            owner=other_partner.user,
            visibility=Visibility.PRIVATE,
        ),
        "pending": TrackFactory(title="Queued Song", status=TrackStatus.PENDING),
    }


def test_lists_public_tracks_and_own_private_ones_never_another_partners(api, catalogue):
    seen = ids(api.get(TRACKS))
    assert seen == {catalogue[k].pk for k in ("calm", "angry", "mine", "pending")}


def test_detail_has_moods_families_genres_features_and_model_version(api, catalogue):
    response = api.get(f"{TRACKS}/{catalogue['calm'].pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["model_version"] == MODEL_VERSION
    assert body["moods"][0] == {"name": "serene", "slug": "serene", "score": 0.9, "source": "model"}
    assert body["families"][0]["name"] == "calm"
    assert body["genres"][0]["name"] == "ambient"
    assert body["features"]["tempo_bpm"] == 120.0 and body["features"]["key"] == "A"
    assert body["valence"] == 0.3 and body["arousal"] == -0.8
    assert body["artist"]["name"] and body["error"] is None


def test_another_partners_private_track_is_404(api, catalogue):
    response = api.get(f"{TRACKS}/{catalogue['theirs'].pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_failed_track_shows_its_code_but_not_internal_details(api, taxonomy):
    track = TrackFactory(
        status=TrackStatus.FAILED,
        error_code=TrackErrorCode.INTERNAL,
        error_detail="KeyError: /srv/secret/path",
    )
    body = api.get(f"{TRACKS}/{track.pk}").json()
    assert body["error"] == {"code": "internal", "message": "Internal error during analysis"}
    assert "secret" not in str(body)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"mood": "serene"}, {"calm"}),
        ({"mood": "Serene", "min_score": "0.95"}, set()),
        ({"family": "aggressive"}, {"angry"}),
        ({"family": "calm"}, {"calm"}),
        ({"genre": "metal"}, {"angry"}),
        ({"valence_min": "0.5"}, {"mine"}),
        ({"arousal_min": "0.5", "valence_max": "0"}, {"angry"}),
        ({"status": "pending"}, {"pending"}),
        ({"q": "riot"}, {"angry"}),
        ({"mine": "true"}, {"mine"}),
    ],
)
def test_filters(api, catalogue, params, expected):
    assert ids(api.get(TRACKS, params)) == {catalogue[name].pk for name in expected}


def test_an_editors_verdict_wins_over_the_model_in_filters(api, catalogue):
    serene = Mood.objects.get(name="serene")
    TrackMood.objects.create(
        track=catalogue["calm"], mood=serene, source=TagSource.EDITOR, verdict=Verdict.ABSENT
    )
    word = Mood.objects.words().filter(parent__name="angry").first()
    TrackMood.objects.create(
        track=catalogue["calm"], mood=word, source=TagSource.EDITOR, verdict=Verdict.PRESENT
    )
    assert ids(api.get(TRACKS, {"mood": "serene"})) == set()
    assert ids(api.get(TRACKS, {"mood": "angry"})) == {catalogue["angry"].pk, catalogue["calm"].pk}
    assert ids(api.get(TRACKS, {"mood": word.name})) == {catalogue["calm"].pk}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"mood": "no-such-mood"}, "mood"),
        ({"family": "serene"}, "family"),  # a mood, not a family
        ({"genre": "polka-core"}, "genre"),
        ({"valence_min": "2"}, "valence_min"),
        ({"valence_min": "0.5", "valence_max": "0.1"}, "valence_min"),
        ({"arousal_max": "loud"}, "arousal_max"),
        ({"status": "done"}, "status"),
        ({"min_score": "-1"}, "min_score"),
        ({"page": "zero"}, "page"),
        ({"page": "²"}, "page"),
        ({"page_size": "1000"}, "page_size"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(api, catalogue, params, field):
    response = api.get(TRACKS, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_parameters" and field in body["errors"]
    assert body["detail"].startswith(field)


def test_pagination(api, catalogue):
    first = api.get(TRACKS, {"page_size": 2}).json()
    assert first["count"] == 4 and len(first["results"]) == 2 and first["next"]
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 2 and second["next"] is None
    assert api.get(TRACKS, {"page": 9}).status_code == 404


def test_list_query_count_does_not_grow_with_the_page(api, taxonomy):
    def queries(n_more: int) -> int:
        for _ in range(n_more):
            analysed_track(moods={"happy": 0.6, "calm": 0.4}, genres={"pop": 0.7})
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(TRACKS).status_code == 200
        return len(ctx.captured_queries)

    api.get(TRACKS)  # the first request of a key also records its last use
    assert queries(2) == queries(8) <= 6


def test_session_listener_sees_their_private_tracks(client, catalogue):
    listener = UserFactory()
    own = analysed_track(owner=listener, visibility=Visibility.PRIVATE)
    client.force_login(listener)
    assert own.pk in ids(client.get(TRACKS))
    assert client.get(f"{TRACKS}/{catalogue['mine'].pk}").status_code == 404
