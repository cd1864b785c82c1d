"""factory_boy factories for every model the tests create (users, artists, tracks)."""

import hashlib

import factory
from django.contrib.auth import get_user_model

from catalog.choices import TrackStatus, Visibility
from catalog.models import Artist, Track

__all__ = ["ArtistFactory", "TrackFactory", "UserFactory"]


class UserFactory(factory.django.DjangoModelFactory):
    """A listener account (not staff); password "listen-to-this"."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"listener{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("listen-to-this")


class ArtistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Artist

    name = factory.Sequence(lambda n: f"Artist {n}")
    slug = factory.Sequence(lambda n: f"artist-{n}")


class TrackFactory(factory.django.DjangoModelFactory):
    """A track row with a small stored file. The bytes are not audio unless a test passes
    ``audio_file__from_path``; use the ingest service when a test needs validated audio."""

    class Meta:
        model = Track

    title = factory.Sequence(lambda n: f"Track {n}")
    artist = factory.SubFactory(ArtistFactory)
    album = ""
    content_sha256 = factory.Sequence(lambda n: hashlib.sha256(f"track-{n}".encode()).hexdigest())
    audio_file = factory.django.FileField(filename="track.wav", data=b"RIFF-not-really-audio")
    original_filename = "track.wav"
    size_bytes = factory.LazyAttribute(lambda t: t.audio_file.size)
    format = "wav"
    duration_s = 30.0
    visibility = Visibility.PUBLIC
    status = TrackStatus.ANALYZED
