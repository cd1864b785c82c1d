"""Artists: the people or groups tracks are credited to."""

from __future__ import annotations

from django.db import IntegrityError, models, transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import slugify

__all__ = ["Artist"]

UNKNOWN_ARTIST = "Unknown artist"


class ArtistManager(models.Manager["Artist"]):
    def for_name(self, name: str) -> Artist:
        """The artist called ``name`` (case-insensitively), created when missing; safe under concurrency.

        Blank names map to the "Unknown artist" so every track has an artist to list it under.
        """
        name = " ".join(name.split()) or UNKNOWN_ARTIST
        existing = self.filter(name__iexact=name).first()
        if existing is not None:
            return existing
        try:
            # A savepoint: a concurrent insert of the same name must not break the caller's transaction.
            with transaction.atomic():
                return self.create(name=name, slug=self._free_slug(name))
        except IntegrityError:
            return self.get(name__iexact=name)

    def _free_slug(self, name: str) -> str:
        base = slugify(name, allow_unicode=True)[:100] or "artist"
        slug, n = base, 1
        while self.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug


class Artist(models.Model):
    """A person or group credited on tracks.

    Names are unique ignoring case ("Nina Simone" and "nina simone" are one artist); the slug is a stable,
    URL-safe handle derived from the name when the artist is first seen.
    """

    name = models.CharField(
        verbose_name="name", max_length=255, help_text="Name as credited, e.g. from the file's artist tag."
    )
    slug = models.SlugField(
        verbose_name="slug",
        max_length=120,
        unique=True,
        allow_unicode=True,
        help_text="URL-safe handle derived from the name.",
    )
    created = models.DateTimeField(verbose_name="created", auto_now_add=True)

    objects = ArtistManager()

    class Meta:
        ordering = ["name"]
        verbose_name = "artist"
        verbose_name_plural = "artists"
        constraints = [models.UniqueConstraint(Lower("name"), name="catalog_artist_name_ci_unique")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{reverse('catalog:track-list')}?{urlencode({'q': self.name})}"
