"""Model rules: artists are one per name ignoring case, with unique slugs; a track carries an error code
exactly when it failed; visibility decides who sees a track."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError

from catalog.choices import TrackStatus, Visibility
from catalog.models import Artist, Track
from tests.factories import TrackFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_artist_names_are_matched_ignoring_case_and_spacing():
    first = Artist.objects.for_name("Nina  Simone")

    assert Artist.objects.for_name("nina simone") == first
    assert first.name == "Nina Simone"
    assert Artist.objects.count() == 1


def test_artist_slugs_stay_unique_when_names_slugify_alike():
    slugs = [Artist.objects.for_name(name).slug for name in ("AC/DC", "ACDC", "Sigur Rós", "!!!")]

    assert slugs == ["acdc", "acdc-2", "sigur-rós", "artist"]


def test_a_blank_artist_is_the_unknown_artist():
    assert Artist.objects.for_name("  ").name == "Unknown artist"


def test_database_refuses_an_error_code_on_a_track_that_did_not_fail():
    with pytest.raises(IntegrityError):
        TrackFactory(status=TrackStatus.ANALYZED, error_code="undecodable")


def test_database_refuses_a_failed_track_without_an_error_code():
    with pytest.raises(IntegrityError):
        TrackFactory(status=TrackStatus.FAILED, error_code="")


def test_visibility_rules():
    owner, other = UserFactory(), UserFactory()
    editor = UserFactory(is_staff=True)
    superuser = UserFactory(is_staff=True, is_superuser=True)
    public = TrackFactory(visibility=Visibility.PUBLIC)
    private = TrackFactory(visibility=Visibility.PRIVATE, owner=owner)
    submitted = TrackFactory(visibility=Visibility.PRIVATE, owner=owner, submitted_for_review=True)
    imported = TrackFactory(visibility=Visibility.PRIVATE, owner=None)

    def visible(user):
        return set(Track.objects.visible_to(user))

    assert visible(AnonymousUser()) == {public}
    assert visible(other) == {public}
    assert visible(owner) == {public, private, submitted}
    assert visible(editor) == {public, submitted}  # staff no longer see every private upload
    assert visible(superuser) == {public, private, submitted, imported}


def test_status_colours_come_from_the_choices():
    assert [TrackStatus(s).colour for s in TrackStatus.values] == ["grey", "blue", "green", "red"]
    assert TrackFactory(status=TrackStatus.FAILED, error_code="silent").status_colour == "red"
