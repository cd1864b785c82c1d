"""The "similar tracks" list on the track page: what a listener sees."""

from __future__ import annotations

import pytest
from django.urls import reverse

from catalog.choices import Visibility
from catalog.models import Mood, MoodLevel, TagSource, TrackMood
from tests.factories import TrackFactory
from tests.recommender.similarity_fixtures import MODEL_VERSION, clustered_vectors, embed

pytestmark = pytest.mark.django_db


def tag(track, mood, score):
    TrackMood.objects.create(
        track=track, mood=mood, source=TagSource.MODEL, score=score, model_version=MODEL_VERSION
    )


def test_the_track_page_lists_similar_tracks_with_play_buttons_and_shared_moods(client, listeners):
    ada, bob = listeners
    vectors = clustered_vectors(6, seed=4, clusters=1)
    seed, near = TrackFactory(title="Seed"), TrackFactory(title="Near one")
    other = TrackFactory(title="Other")
    secret = TrackFactory(title="Hidden gem", owner=bob, visibility=Visibility.PRIVATE)
    for track, vector in zip((seed, near, other, secret), vectors, strict=False):
        embed(track, vector)
    calm, tense = Mood.objects.filter(level=MoodLevel.MOOD)[:2]
    tag(seed, calm, 0.9)
    tag(near, calm, 0.8)
    tag(other, tense, 0.9)

    client.force_login(ada)
    page = client.get(reverse("catalog:track-detail", args=[seed.pk])).content.decode()
    section = page[page.index('id="similar-tracks"') :]
    assert "Near one" in section and "Other" in section
    assert "Hidden gem" not in section  # another listener's private track
    assert reverse("catalog:track-audio", args=[near.pk]) in section  # its play button
    assert section.count('class="play"') == 2
    rows = section.split('<li class="similar-row">')[1:]
    near_row = next(row for row in rows if "Near one" in row)
    other_row = next(row for row in rows if "Other" in row)
    assert calm.name in near_row  # the mood both share
    assert tense.name not in other_row  # the seed is not tense: nothing shared to show

    client.force_login(bob)
    page = client.get(reverse("catalog:track-detail", args=[seed.pk])).content.decode()
    assert "Hidden gem" in page[page.index('id="similar-tracks"') :]


def test_a_track_not_analysed_yet_says_so(client):
    track = TrackFactory(title="Fresh")
    page = client.get(reverse("catalog:track-detail", args=[track.pk])).content.decode()
    assert "Similar tracks appear once the track is analysed" in page


def test_the_list_costs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    vectors = clustered_vectors(12, seed=5, clusters=1)
    tracks = [TrackFactory() for _ in vectors]
    for track, vector in zip(tracks, vectors, strict=True):
        embed(track, vector)
    from recommender.services.similar_list import similar_rows

    with django_assert_max_num_queries(6):
        rows = similar_rows(tracks[0], None, k=8)
    assert len(rows) == 8
