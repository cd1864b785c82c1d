"""Fixtures of the recommender tests: a catalogue with known moods (built once per module through the real
analysis path), listeners and logged-in clients, and a similarity index folder per test."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from catalog.choices import Visibility
from recommender.services import similarity_index
from tests.factories import UserFactory
from tests.recommender.catalogue import KnownCatalogue, build_catalogue, delete_catalogue


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@dataclass
class Catalogue:
    public: KnownCatalogue  # 200 public tracks, 20 per family
    speech: KnownCatalogue  # 6 calm-sounding speech tracks: never in a music playlist
    private: KnownCatalogue  # 6 calm private tracks of "carol": never in anyone else's playlist
    other_version: KnownCatalogue  # 6 calm tracks of another model version: never mixed in
    carol_id: int

    def all(self) -> list[KnownCatalogue]:
        return [self.public, self.speech, self.private, self.other_version]


@pytest.fixture(scope="module")
def known(django_db_setup, django_db_blocker, tmp_path_factory):
    """A catalogue with known moods plus tempting tracks no playlist may take, committed for the module
    and deleted after it (function-scoped tests still run in their own rolled-back transaction)."""
    from django.conf import settings

    with django_db_blocker.unblock():
        old = settings.MEDIA_ROOT
        settings.MEDIA_ROOT = tmp_path_factory.mktemp("known-media")
        carol = UserFactory(username="carol")
        try:
            catalogue = Catalogue(
                public=build_catalogue(),
                speech=build_catalogue(6, artists=3, seed=8, families=("calm",), speech=0.95),
                private=build_catalogue(
                    6, artists=3, seed=9, families=("calm",), owner=carol, visibility=Visibility.PRIVATE
                ),
                other_version=build_catalogue(
                    6, artists=3, seed=10, families=("calm",), version="moodmix-test-v0"
                ),
                carol_id=carol.pk,
            )
        finally:
            settings.MEDIA_ROOT = old
        yield catalogue
        for part in catalogue.all():
            delete_catalogue(part)
        carol.delete()


@pytest.fixture
def ada(db):
    return UserFactory(username="ada")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob")


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
