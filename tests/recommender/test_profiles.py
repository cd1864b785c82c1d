"""Listener profiles: signals shift them, playlists follow them, portraits describe them, listeners own
them."""

from __future__ import annotations

import numpy as np
import pytest

from catalog.models import Track
from recommender.models import EventKind, ListenerProfile, ListeningEvent
from recommender.services.layout import layout
from recommender.services.playlists import PlaylistRequest, generate
from recommender.services.playlists.snapshot import get_snapshot
from recommender.services.profiles.accumulate import rebuild_profile
from recommender.services.profiles.portrait import portrait
from recommender.services.profiles.privacy import delete_profile, export_profile
from recommender.services.profiles.signals import SignalError, record_event
from recommender.services.profiles.summary import summarise
from recommender.services.similarity import nearest_to_vector
from recommender.tasks import rebuild_profiles
from tests.factories import UserFactory
from tests.recommender.catalogue import VERSION

pytestmark = pytest.mark.django_db


def summary_of(user):
    return summarise(ListenerProfile.objects.filter(user=user).first(), get_snapshot(VERSION))


def share(summary, family: str):
    return next(f for f in summary.families if f.name == family)


def like_all(user, track_ids):
    for track_id in track_ids:
        record_event(user, track_id, EventKind.LIKE)


def test_liking_calm_tracks_shifts_the_profile_and_later_playlists(known, ada):
    mixed = PlaylistRequest(moods={"calm": 1.0, "joyful": 1.0}, length=20, diversity=0.5)
    calm_in = lambda p: [known.public.family[t] for t in p.track_ids].count("calm")  # noqa: E731
    before = generate(mixed, ada)
    assert summary_of(ada).is_empty

    liked = known.public.of("calm")[10:15]
    like_all(ada, liked)
    summary = summary_of(ada)
    calm = share(summary, "calm")
    assert summary.prevalent.name == "calm"
    assert calm.share > calm.prior + 0.1
    assert summary.signal_count == 5

    after = generate(mixed, ada)
    assert calm_in(after) >= calm_in(before) + 4, (calm_in(before), calm_in(after))
    assert any("you liked 5 calm tracks" in item.reason for item in after.items)
    # The taste vector points at calm music too (asked through the similarity facade).
    profile = ListenerProfile.objects.get(user=ada)
    taste = np.array(profile.taste_sum) / np.linalg.norm(profile.taste_sum)
    near = nearest_to_vector(taste.tolist(), user=ada, model_version=VERSION, k=10)
    assert [known.public.family.get(n.track_id) for n in near].count("calm") >= 8


def test_disliked_tracks_never_return_until_liked_again(known, ada):
    first = generate(PlaylistRequest(moods={"calm": 1.0}, length=10), ada)
    disliked = first.track_ids[:3]
    for track_id in disliked:
        record_event(ada, track_id, EventKind.DISLIKE)
    requests = [
        PlaylistRequest(moods={"calm": 1.0}, length=30),
        PlaylistRequest(moods={"calm": 1.0}, length=30, personalise=False),
        PlaylistRequest(strategy="seed", seeds=tuple(first.track_ids[3:5]), length=30),
        PlaylistRequest(strategy="journey", journey_from="tense", journey_to="calm", length=30),
    ]
    for request in requests:
        assert not set(disliked) & set(generate(request, ada).track_ids), request.strategy
    record_event(ada, disliked[0], EventKind.LIKE)
    again = generate(PlaylistRequest(moods={"calm": 1.0}, length=20, artist_spacing=1), ada)
    assert disliked[0] in again.track_ids
    assert not set(disliked[1:]) & set(again.track_ids)


def test_skips_and_partial_plays_weigh_less_than_likes(known, ada, bob):
    calm = known.public.of("calm")
    record_event(ada, calm[0], EventKind.PLAY, fraction=1.0)
    record_event(bob, calm[0], EventKind.LIKE)
    assert ListenerProfile.objects.get(user=ada).positive_weight == pytest.approx(0.5)
    assert ListenerProfile.objects.get(user=bob).positive_weight == pytest.approx(1.0)
    record_event(ada, calm[1], EventKind.SKIP, fraction=0.1)
    assert (
        ListenerProfile.objects.get(user=ada).family_sums["calm"]
        < ListenerProfile.objects.get(user=bob).family_sums["calm"]
    )


def test_incremental_updates_equal_a_bulk_recompute(known, ada):
    tracks = known.public.of("tender")[:4] + known.public.of("sad")[:3]
    record_event(ada, tracks[0], EventKind.LIKE)
    record_event(ada, tracks[1], EventKind.PLAY, fraction=0.7)
    record_event(ada, tracks[2], EventKind.SKIP, fraction=0.2)
    record_event(ada, tracks[3], EventKind.DISLIKE)
    record_event(ada, tracks[4], EventKind.LIKE)
    record_event(ada, tracks[5], EventKind.PLAY)
    incremental = ListenerProfile.objects.get(user=ada)
    rebuilt = rebuild_profile(ada.pk)
    assert rebuilt.signal_count == incremental.signal_count == 6
    for field in ("mood_sums", "family_sums", "genre_sums"):
        a, b = getattr(incremental, field), getattr(rebuilt, field)
        assert a.keys() == b.keys()
        assert all(a[k] == pytest.approx(b[k], abs=1e-4) for k in a)
    assert np.allclose(incremental.taste_sum, rebuilt.taste_sum, atol=1e-4)
    assert rebuilt.positive_weight == pytest.approx(incremental.positive_weight)


def test_the_bulk_task_recomputes_profiles_and_counts_own_uploads(known):
    carol = UserFactory(username="carol")  # owns the six private calm tracks
    ListenerProfile.objects.filter(user=carol).delete()
    ListeningEvent.objects.create(user=carol, track_id=known.public.of("dreamy")[0], kind=EventKind.LIKE)
    assert rebuild_profiles.apply(kwargs={"user_ids": [carol.pk]}).get() == 1
    profile = ListenerProfile.objects.get(user=carol)
    assert profile.signal_count == 7  # one like + six own uploads (weak positives, 0.3 each)
    assert profile.positive_weight == pytest.approx(1.0 + 6 * 0.3)
    assert summary_of(carol).prevalent.name == "calm"


def test_portraits_differ_between_profiles_and_stay_the_same_for_one(known, ada, bob):
    like_all(ada, known.public.of("calm")[:4] + known.public.of("tender")[:2])
    like_all(bob, known.public.of("aggressive")[:4] + known.public.of("powerful")[:2])
    calm, fierce = portrait(summary_of(ada)), portrait(summary_of(bob))
    assert calm.text != fierce.text
    assert portrait(summary_of(ada)) == calm  # deterministic
    assert calm.family == "calm" and calm.colour == layout().family_colours["calm"]
    assert calm.sentences[0].text.startswith("Your mood is predominantly Calm")
    assert fierce.sentences[0].text.startswith("Your mood is predominantly Aggressive")
    assert len(calm.sentences) >= 4
    # Each sentence is traceable: it names the moods (or the family) that produced it, and those are in
    # the profile (or, for the closing line, the family furthest below the catalogue).
    summary = summary_of(ada)
    for sentence in calm.sentences:
        assert sentence.moods
        for mood in sentence.moods:
            assert summary.mood_share.get(mood, 0) > 0 or share(summary, mood).lift < 0.5


def test_top_genres_are_ranked_by_lift_not_counts(known, ada):
    like_all(ada, known.public.of("calm")[:3] + known.public.of("dreamy")[:3] + known.public.of("groovy")[:1])
    genres = summary_of(ada).genres
    assert genres[0].name == "ambient"
    assert [g.lift for g in genres] == sorted((g.lift for g in genres), reverse=True)
    assert len(genres) <= 12


def test_signals_on_tracks_a_listener_may_not_see_are_refused(known, ada):
    private = known.private.of("calm")[0]
    with pytest.raises(SignalError):
        record_event(ada, private, EventKind.LIKE)
    with pytest.raises(SignalError):
        record_event(ada, known.public.of("calm")[0], "love")
    with pytest.raises(SignalError):
        record_event(ada, known.public.of("calm")[0], EventKind.PLAY, fraction=1.5)
    assert not ListeningEvent.objects.filter(user=ada).exists()


def test_export_holds_only_the_listeners_data_and_delete_removes_it(known, ada, bob):
    like_all(ada, known.public.of("calm")[:2])
    like_all(bob, known.public.of("sad")[:3])
    exported = export_profile(ada)
    assert exported["user"] == "ada"
    assert [e["track"] for e in exported["events"]] == known.public.of("calm")[:2]
    assert exported["profile"]["signal_count"] == 2
    assert exported["profile"]["portrait"]
    assert delete_profile(ada) == 2
    assert not ListenerProfile.objects.filter(user=ada).exists()
    assert not ListeningEvent.objects.filter(user=ada).exists()
    assert ListeningEvent.objects.filter(user=bob).count() == 3
    assert Track.objects.filter(pk__in=known.public.of("calm")[:2]).count() == 2
