"""The hard constraints hold for any request (property-based): length and duration, artist spacing, no
speech, public-or-own tracks only, one model version, no duplicates, never a disliked track."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.models import Track, TrackAnalysis
from recommender.models import EventKind
from recommender.services.layout import layout
from recommender.services.playlists import PlaylistRequest, generate
from recommender.services.profiles.signals import record_event
from tests.factories import UserFactory
from tests.recommender.catalogue import VERSION

pytestmark = pytest.mark.django_db

FAMILIES = list(layout().families)
weights = st.floats(min_value=0.1, max_value=1.0)


@st.composite
def requests(draw, seed_pool: list[int]) -> PlaylistRequest:
    strategy = draw(st.sampled_from(["mood", "journey", "seed"]))
    common = {
        "length": draw(st.integers(1, 60)),
        "artist_spacing": draw(st.integers(1, 8)),
        "max_duration_s": draw(st.none() | st.floats(min_value=100, max_value=6000)),
        "diversity": draw(st.floats(min_value=0.0, max_value=1.0)),
        "personalise": draw(st.booleans()),
        "genres": draw(st.dictionaries(st.sampled_from(list(layout().genres)), weights, max_size=2)),
    }
    if strategy == "mood":
        moods = draw(st.dictionaries(st.sampled_from(FAMILIES), weights, min_size=1, max_size=3))
        return PlaylistRequest(strategy="mood", moods=moods, **common)
    if strategy == "journey":
        start, end = draw(st.lists(st.sampled_from(FAMILIES), min_size=2, max_size=2, unique=True))
        return PlaylistRequest(strategy="journey", journey_from=start, journey_to=end, **common)
    seeds = draw(st.lists(st.sampled_from(seed_pool), min_size=1, max_size=3, unique=True))
    return PlaylistRequest(strategy="seed", seeds=tuple(seeds), **common)


def check_constraints(playlist, request: PlaylistRequest, user, disliked: set[int]) -> None:
    ids = playlist.track_ids
    assert len(ids) <= request.length
    assert len(set(ids)) == len(ids), "a track twice"
    tracks = Track.objects.in_bulk(ids)
    assert len(tracks) == len(ids)
    artists = [tracks[t].artist_id for t in ids]
    for i in range(len(ids)):
        window = artists[max(0, i - request.artist_spacing + 1) : i]
        assert artists[i] not in window, f"artist repeated within {request.artist_spacing} at {i}"
    if request.max_duration_s is not None:
        assert sum(tracks[t].duration_s for t in ids) <= request.max_duration_s + 1e-6
    for track in tracks.values():
        assert track.visibility == "public" or track.owner_id == user.pk, "someone else's private track"
    analyses = TrackAnalysis.objects.filter(track_id__in=ids)
    assert not analyses.filter(is_speech=True).exists(), "speech in a music playlist"
    assert set(analyses.values_list("model_version", flat=True)) <= {playlist.model_version}
    assert playlist.model_version == VERSION
    assert not disliked & set(ids), "a disliked track came back"
    assert all(item.reason for item in playlist.items)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_constraints_hold_for_any_request(known, data):
    user = UserFactory(username="prop-listener")
    disliked = set(known.public.of("calm")[:3] + known.public.of("joyful")[:2])
    if not user.listening_events.exists():
        for track_id in disliked:
            record_event(user, track_id, EventKind.DISLIKE)
    request = data.draw(requests(known.public.of("tender")[:5] + known.public.of("calm")[:5]))
    check_constraints(generate(request, user), request, user, disliked)


def test_an_owner_gets_their_private_tracks_and_nobody_else_does(known):
    carol = UserFactory(username="carol")  # the module catalogue's owner of the private calm tracks
    request = PlaylistRequest(moods={"calm": 1.0}, length=40, artist_spacing=1)
    mine = set(generate(request, carol).track_ids)
    assert set(known.private.family) <= mine
    other = UserFactory(username="dora")
    theirs = set(generate(request, other).track_ids)
    assert not set(known.private.family) & theirs
    assert not set(known.speech.family) & (mine | theirs)
    assert not set(known.other_version.family) & (mine | theirs)


def test_speech_only_when_asked_for(known, ada):
    request = PlaylistRequest(moods={"calm": 1.0}, length=40, artist_spacing=1, allow_speech=True)
    assert set(known.speech.family) & set(generate(request, ada).track_ids)


def test_another_model_version_is_a_separate_catalogue(known, ada):
    request = PlaylistRequest(
        moods={"calm": 1.0}, length=10, artist_spacing=1, model_version="moodmix-test-v0"
    )
    playlist = generate(request, ada)
    assert set(playlist.track_ids) == set(known.other_version.family)
