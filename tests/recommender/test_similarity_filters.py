"""Property-based: whatever the filters and the listener, every returned track satisfies every filter,
and exactly min(k, matching) tracks come back, the nearest ones. The expected set is computed in Python
from the effective-tag rules (``catalog.services.effective_tags``) and ``Track.visible_to``, not from SQL.
"""

from __future__ import annotations

import random
from datetime import timedelta

import numpy as np
import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.choices import Visibility
from catalog.models import Genre, Mood, MoodLevel, TagSource, Track, TrackEmbedding, TrackGenre, TrackMood
from catalog.services.effective_tags import effective_families, effective_genres_for, effective_moods_for
from recommender.services.similarity import Scope, SimilarityFilters, search
from recommender.services.similarity_filters import TAG_MIN_SCORE
from recommender.services.similarity_index import rebuild
from tests.factories import ArtistFactory, TrackFactory, UserFactory
from tests.recommender.similarity_fixtures import MODEL_VERSION, clustered_vectors, embed

N_TRACKS = 70


@pytest.fixture
def tagged_catalogue(db):
    """Tracks of three owners (and none), mixed visibility, model scores and editors' verdicts on moods,
    words, genres and subgenres, a few embeddings of another model version; an Annoy file built."""
    rng = random.Random(3)
    owners = [UserFactory(username=f"owner{i}") for i in range(3)]
    staff = UserFactory(username="staff", is_staff=True)
    artists = [ArtistFactory() for _ in range(4)]
    families = list(Mood.objects.filter(level=MoodLevel.FAMILY)[:3])
    moods = list(Mood.objects.filter(level=MoodLevel.MOOD, parent__in=families))
    words = list(Mood.objects.filter(level=MoodLevel.WORD, parent__in=moods))
    genres = list(Genre.objects.filter(parent__isnull=True)[:3])
    subgenres = list(Genre.objects.filter(parent__in=genres))
    vectors = clustered_vectors(N_TRACKS, seed=11)
    for i, vector in enumerate(vectors):
        track = TrackFactory(
            artist=rng.choice(artists),
            owner=rng.choice([*owners, None]),
            visibility=rng.choice([Visibility.PUBLIC, Visibility.PUBLIC, Visibility.PRIVATE]),
        )
        embed(track, vector, model_version=MODEL_VERSION if i % 10 else "moodmix-test-v0")
        for mood in rng.sample(moods, 3):
            TrackMood.objects.create(
                track=track,
                mood=mood,
                source=TagSource.MODEL,
                score=rng.random(),
                model_version=MODEL_VERSION,
            )
        for genre in rng.sample(genres, 2):
            TrackGenre.objects.create(
                track=track,
                genre=genre,
                source=TagSource.MODEL,
                score=rng.random(),
                model_version=MODEL_VERSION,
            )
        if rng.random() < 0.4:
            term = rng.choice(moods + words)
            TrackMood.objects.create(
                track=track, mood=term, source=TagSource.EDITOR, verdict=rng.choice(["present", "absent"])
            )
        if rng.random() < 0.3 and subgenres:
            term = rng.choice(genres + subgenres)
            TrackGenre.objects.create(
                track=track, genre=term, source=TagSource.EDITOR, verdict=rng.choice(["present", "absent"])
            )
    TrackEmbedding.objects.update(embedded_at=timezone.now() - timedelta(hours=1))
    rebuild(model_version=MODEL_VERSION)
    return {
        "users": [AnonymousUser(), *owners, staff],
        "artists": [a.pk for a in artists],
        "families": [f.pk for f in families],
        "genres": [g.pk for g in genres],
        "tracks": list(Track.objects.values_list("pk", flat=True)),
    }


def expected_ids(user, filters: SimilarityFilters) -> set[int]:
    """Tracks that satisfy every filter, by the Python rules."""
    visible = Track.objects.visible_to(user)
    if filters.scope == Scope.PUBLIC:
        visible = visible.filter(visibility=Visibility.PUBLIC)
    elif filters.scope == Scope.OWN:
        visible = visible.filter(owner=user) if user.is_authenticated else visible.none()
    candidates = {
        pk: artist
        for pk, artist in visible.filter(embedding__model_version=MODEL_VERSION).values_list(
            "pk", "artist_id"
        )
    }
    moods, genres = effective_moods_for(candidates), effective_genres_for(candidates)
    keep = set()
    for pk, artist in candidates.items():
        if pk in filters.exclude_track_ids or artist in filters.exclude_artist_ids:
            continue
        if filters.mood_family_ids and not any(
            tag.term.pk in filters.mood_family_ids and tag.score >= TAG_MIN_SCORE
            for tag in effective_families(moods[pk])
        ):
            continue
        if filters.genre_ids and not any(
            tag.term.pk in filters.genre_ids and tag.score >= TAG_MIN_SCORE for tag in genres[pk]
        ):
            continue
        keep.add(pk)
    return keep


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_result_satisfies_every_filter_and_k_come_back_when_k_exist(tagged_catalogue, data):
    cat = tagged_catalogue
    user = data.draw(st.sampled_from(cat["users"]), label="user")
    subset = lambda pool: st.frozensets(st.sampled_from(pool), max_size=2)  # noqa: E731
    filters = SimilarityFilters(
        exclude_track_ids=data.draw(subset(cat["tracks"]), label="exclude tracks"),
        exclude_artist_ids=data.draw(subset(cat["artists"]), label="exclude artists"),
        mood_family_ids=data.draw(subset(cat["families"]), label="families"),
        genre_ids=data.draw(subset(cat["genres"]), label="genres"),
        scope=data.draw(st.sampled_from(Scope.ALL), label="scope"),
    )
    k = data.draw(st.integers(1, 25), label="k")
    query = clustered_vectors(1, seed=data.draw(st.integers(0, 10_000), label="query"))[0]

    answer = search(query, user=user, model_version=MODEL_VERSION, k=k, filters=filters)

    allowed = expected_ids(user, filters)
    got = [n.track_id for n in answer.neighbours]
    assert set(got) <= allowed, f"{answer.backend} returned tracks outside the filters"
    assert len(got) == min(k, len(allowed)) and len(set(got)) == len(got)
    # And they are the nearest of the allowed tracks (exact on a catalogue this small).
    vectors = dict(TrackEmbedding.objects.filter(track_id__in=allowed).values_list("track_id", "vector"))
    sims = sorted(
        (float(np.dot(np.asarray(v) / np.linalg.norm(v), query)) for v in vectors.values()), reverse=True
    )
    np.testing.assert_allclose([n.similarity for n in answer.neighbours], sims[:k], atol=1e-4)
