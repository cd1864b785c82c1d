"""Small catalogues with known embeddings for the similarity tests: clustered unit vectors, tracks of
several owners and visibilities, and mood/genre tag rows written the way analysis and editors write them."""

from __future__ import annotations

import numpy as np

from catalog.choices import Visibility
from catalog.models import TrackEmbedding
from catalog.models.analysis import EMBEDDING_DIMENSIONS
from tests.factories import ArtistFactory, TrackFactory

__all__ = ["clustered_vectors", "embed", "make_catalogue"]

MODEL_VERSION = "moodmix-test-v1"


def clustered_vectors(n: int, *, seed: int = 0, clusters: int = 8) -> np.ndarray:
    """``n`` unit vectors in ``clusters`` tight groups (like real embeddings, unlike uniform noise)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(clusters, EMBEDDING_DIMENSIONS))
    labels = rng.integers(0, clusters, size=n)
    vectors = centres[labels] + 0.35 * rng.normal(size=(n, EMBEDDING_DIMENSIONS))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def embed(track, vector, model_version: str = MODEL_VERSION) -> TrackEmbedding:
    return TrackEmbedding.objects.create(
        track=track, vector=[float(x) for x in vector], model_version=model_version
    )


def make_catalogue(n: int, *, seed: int = 0, owners=(), private_share: float = 0.0, artists: int = 5):
    """``n`` analysed tracks with embeddings; a share of them private, owned round-robin by ``owners``."""
    rng = np.random.default_rng(seed + 1)
    vectors = clustered_vectors(n, seed=seed)
    artist_rows = [ArtistFactory() for _ in range(artists)]
    tracks = []
    for i, vector in enumerate(vectors):
        private = bool(rng.random() < private_share)
        owner = owners[i % len(owners)] if owners else None
        track = TrackFactory(
            artist=artist_rows[i % artists],
            owner=owner,
            visibility=Visibility.PRIVATE if private else Visibility.PUBLIC,
        )
        embed(track, vector)
        tracks.append(track)
    return tracks, vectors
