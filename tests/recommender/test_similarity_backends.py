"""The similarity facade: backends agree, the Annoy file is used only when it may be, and nothing a
listener may not see, nor any vector of another model version, ever comes back."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import numpy as np
import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from catalog.choices import Visibility
from catalog.models import TrackEmbedding
from ml.index import ExactIndex
from recommender.services import similarity
from recommender.services.similarity import SimilarityFilters, search, similar_tracks
from recommender.services.similarity_index import index_store, rebuild
from tests.factories import TrackFactory
from tests.recommender.similarity_fixtures import MODEL_VERSION, clustered_vectors, embed, make_catalogue

pytestmark = pytest.mark.django_db

ANON = AnonymousUser()


def age_embeddings(hours: float = 1.0) -> None:
    """Pretend the rows were written a while ago, so a rebuild now covers them (its watermark is later)."""
    TrackEmbedding.objects.update(embedded_at=timezone.now() - timedelta(hours=hours))


def ids(answer) -> list[int]:
    return [n.track_id for n in answer.neighbours]


def test_exact_annoy_and_pgvector_agree_on_a_small_catalogue():
    make_catalogue(300)
    age_embeddings()
    assert rebuild().outcome == "built"
    rows = TrackEmbedding.objects.values_list("track_id", "vector")
    exact = ExactIndex.from_items(rows, 128)
    for q in clustered_vectors(15, seed=7):
        want = exact.search(q, 10)
        annoy = search(q, user=ANON, model_version=MODEL_VERSION, k=10, backend="annoy")
        pg = search(q, user=ANON, model_version=MODEL_VERSION, k=10, backend="pgvector")
        assert ids(annoy) == want.ids.tolist()
        np.testing.assert_allclose([n.similarity for n in annoy.neighbours], want.similarities, atol=1e-5)
        # HNSW is approximate: after earlier tests left dead tuples in the graph it may swap a neighbour
        # or two (autovacuum repairs that in production), so it must find nearly all of them, in order.
        assert len(set(ids(pg)) & set(want.ids.tolist())) >= 9
        got = [n.similarity for n in pg.neighbours]
        assert got == sorted(got, reverse=True)
        true = dict(zip(want.ids.tolist(), want.similarities, strict=True))
        shared = [(n.similarity, true[n.track_id]) for n in pg.neighbours if n.track_id in true]
        np.testing.assert_allclose(*zip(*shared, strict=True), atol=1e-5)


def test_auto_uses_the_file_when_present_and_pgvector_when_missing():
    tracks, vectors = make_catalogue(40)
    missing = search(vectors[0], user=ANON, model_version=MODEL_VERSION)
    assert missing.backend == "pgvector" and missing.fallback == "no index file"
    age_embeddings()
    rebuild()
    served = search(vectors[0], user=ANON, model_version=MODEL_VERSION)
    assert served.backend == "annoy" and ids(served) == ids(missing)
    # Filters the file cannot apply go to pgvector.
    filtered = search(
        vectors[0], user=ANON, model_version=MODEL_VERSION, filters=SimilarityFilters(scope="public")
    )
    assert filtered.backend == "pgvector"


def test_a_stale_file_falls_back_to_pgvector():
    tracks, vectors = make_catalogue(30)
    age_embeddings()
    manifest = rebuild().manifest
    old = (timezone.now() - timedelta(hours=7)).isoformat()
    index_store().publish(replace(manifest, built_at=old, verified_at=""))
    answer = search(vectors[1], user=ANON, model_version=MODEL_VERSION)
    assert answer.backend == "pgvector" and "stale" in answer.fallback
    assert ids(answer)[0] == tracks[1].pk


def test_a_file_of_another_model_version_is_not_used():
    tracks, vectors = make_catalogue(30)
    age_embeddings()
    rebuild(model_version=MODEL_VERSION)
    answer = search(vectors[1], user=ANON, model_version="moodmix-test-v2")
    assert answer.backend == "pgvector" and "built for" in answer.fallback
    assert answer.neighbours == []  # no v2 vectors exist: nothing of v1 is compared


def test_vectors_of_another_model_version_are_never_compared():
    v1_tracks, vectors = make_catalogue(30)
    # v2 tracks carry exactly the query's vector: the nearest possible, yet in another space.
    v2_tracks = [TrackFactory() for _ in range(5)]
    for track in v2_tracks:
        embed(track, vectors[0], model_version="moodmix-test-v2")
    age_embeddings()
    manifest = rebuild(model_version=MODEL_VERSION).manifest
    assert manifest.items == 30
    v2_ids = {t.pk for t in v2_tracks}
    for backend in ("annoy", "pgvector"):
        answer = search(vectors[0], user=ANON, model_version=MODEL_VERSION, k=30, backend=backend)
        assert not v2_ids & set(ids(answer))
    assert {n.track_id for n in similar_tracks(v2_tracks[0], user=ANON, k=10)} == v2_ids - {v2_tracks[0].pk}
    assert not v2_ids & {n.track_id for n in similar_tracks(v1_tracks[0], user=ANON, k=29)}


def test_a_private_track_never_appears_in_another_listeners_results(listeners):
    ada, bob = listeners
    tracks, vectors = make_catalogue(40)
    secret = TrackFactory(owner=ada, visibility=Visibility.PRIVATE)
    embed(secret, vectors[0])  # identical to the query: it would rank first
    age_embeddings()
    rebuild()
    for user in (bob, ANON):
        for backend in ("auto", "annoy", "pgvector"):
            answer = search(vectors[0], user=user, model_version=MODEL_VERSION, k=40, backend=backend)
            assert secret.pk not in ids(answer)
            assert len(answer.neighbours) == 40
        assert secret.pk not in [n.track_id for n in similar_tracks(tracks[0], user=user, k=40)]
    # Its owner sees it (tied first with tracks[0], which has the same vector).
    assert secret.pk in ids(search(vectors[0], user=ada, model_version=MODEL_VERSION, k=2))


def test_a_track_made_private_after_the_build_is_hidden_at_once(listeners):
    ada, bob = listeners
    tracks, vectors = make_catalogue(30, owners=[ada])
    age_embeddings()
    rebuild()
    tracks[0].visibility = Visibility.PRIVATE
    tracks[0].save()
    answer = search(vectors[0], user=bob, model_version=MODEL_VERSION)
    assert answer.backend == "annoy" and tracks[0].pk not in ids(answer)
    assert ids(search(vectors[0], user=ada, model_version=MODEL_VERSION))[0] == tracks[0].pk


def test_tracks_newer_than_the_file_are_merged_and_a_rebuild_picks_them_up():
    tracks, vectors = make_catalogue(30)
    age_embeddings()
    first = rebuild().manifest
    newcomer = TrackFactory()
    embed(newcomer, vectors[5])  # written now: after the file's watermark
    merged = search(vectors[5], user=ANON, model_version=MODEL_VERSION, k=2)
    assert merged.backend == "annoy"
    assert set(ids(merged)) == {tracks[5].pk, newcomer.pk}
    # A re-analysed track's vector in the file is out of date: the database's one is used.
    TrackEmbedding.objects.filter(track=tracks[9]).update(
        vector=[float(x) for x in vectors[5]], embedded_at=timezone.now()
    )
    assert tracks[9].pk in ids(search(vectors[5], user=ANON, model_version=MODEL_VERSION, k=3))
    age_embeddings()
    result = rebuild()
    assert result.outcome == "built" and result.manifest.build != first.build
    assert result.manifest.items == 31
    loaded = index_store().current()
    assert newcomer.pk in loaded.index.idmap.ids.tolist()
    hits = loaded.index.search(vectors[5], 3)
    assert {tracks[5].pk, newcomer.pk, tracks[9].pk} == set(hits.ids.tolist())


def test_an_unchanged_catalogue_is_verified_not_rebuilt():
    make_catalogue(10)
    age_embeddings()
    built = rebuild()
    again = rebuild()
    assert again.outcome == "verified" and again.manifest.build == built.manifest.build
    assert again.manifest.verified_at > built.manifest.built_at
    assert rebuild(force=True).outcome == "built"


def test_similar_tracks_never_returns_the_track_itself_and_keeps_the_contract():
    tracks, _ = make_catalogue(12)
    found = similar_tracks(tracks[0], user=ANON, k=5)
    assert len(found) == 5 and tracks[0].pk not in [n.track_id for n in found]
    assert all(isinstance(n, similarity.Neighbour) for n in found)
    assert similar_tracks(TrackFactory(), user=ANON) == []  # not analysed yet
    neighbours = similarity.nearest_to_vector(
        [1.0] * 128,
        user=ANON,
        model_version=MODEL_VERSION,
        k=3,
        filters=SimilarityFilters(exclude_track_ids=frozenset({tracks[1].pk})),
    )
    assert len(neighbours) == 3 and tracks[1].pk not in [n.track_id for n in neighbours]
