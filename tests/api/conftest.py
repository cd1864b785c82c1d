"""Fixtures of the API tests: partners with keys of chosen scopes, clients that send them, a catalogue."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.db.models import F
from rest_framework.test import APIClient

from catalog.services.taxonomy import load_taxonomy
from recommender.api.models import Partner, Scope
from recommender.api.services.keys import create_partner, issue_key
from recommender.models import ScoreGeneration
from tests.recommender.catalogue import VERSION, KnownCatalogue, build_catalogue, delete_catalogue

ALL_SCOPES = [scope.value for scope in Scope]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fresh_rate_limits(settings):
    """A unique rate-limit window per test: counters of earlier tests (same key ids after a flush) never
    leak into this one."""
    import uuid

    from recommender.api import throttling

    previous = throttling.KEY_PREFIX
    throttling.KEY_PREFIX = f"moodmix:test:{uuid.uuid4().hex}"
    yield
    throttling.KEY_PREFIX = previous


@pytest.fixture
def taxonomy(db) -> None:
    load_taxonomy()  # a transactional test before this one may have flushed the migration's rows


@pytest.fixture
def partner(db) -> Partner:
    return create_partner("Radio Nowhere", contact_email="dev@radio.example")


@pytest.fixture
def other_partner(db) -> Partner:
    return create_partner("Other Label")


@pytest.fixture
def make_client() -> Callable[..., APIClient]:
    def make(partner: Partner, scopes=ALL_SCOPES, rate_limit: int | None = None) -> APIClient:
        issued = issue_key(partner, name="test", scopes=scopes, rate_limit=rate_limit)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
        client.key = issued.key
        client.secret = issued.secret
        return client

    return make


@pytest.fixture
def api(partner, make_client) -> APIClient:
    """A client with a key holding every scope."""
    return make_client(partner)


@pytest.fixture
def other_api(other_partner, make_client) -> APIClient:
    return make_client(other_partner)


@pytest.fixture(scope="module")
def known(django_db_setup, django_db_blocker, tmp_path_factory) -> KnownCatalogue:
    """Ten tracks per mood family, committed for the module (tests run in their own transactions)."""
    from django.conf import settings

    with django_db_blocker.unblock():
        load_taxonomy()  # an earlier transactional test may have flushed the migration's rows
        old = settings.MEDIA_ROOT
        settings.MEDIA_ROOT = tmp_path_factory.mktemp("api-known-media")
        try:
            catalogue = build_catalogue(10, artists=30, seed=21)
        finally:
            settings.MEDIA_ROOT = old
        yield catalogue
        delete_catalogue(catalogue)
        # The version's row keeps its track count after the deletion; left so, it would stay the
        # playlists' default version (the one with most tracks) for later modules, with nothing in it.
        # Zeroed, not deleted: a recreated row would restart its generation and revive cached snapshots.
        ScoreGeneration.objects.filter(model_version=VERSION).update(tracks=0, generation=F("generation") + 1)
