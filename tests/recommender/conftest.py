"""Fixtures of the similarity tests: an index folder per test, listeners."""

from __future__ import annotations

import pytest

from recommender.services import similarity_index
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def index_dir(settings, tmp_path):
    """Each test has its own similarity index folder and no index opened by an earlier test."""
    folder = tmp_path / "index"
    settings.MOODMIX = {**settings.MOODMIX, "SIMILARITY_INDEX_DIR": str(folder)}
    similarity_index._stores.clear()
    yield folder
    similarity_index._stores.clear()


@pytest.fixture
def listeners(db):
    return UserFactory(username="ada"), UserFactory(username="bob")
