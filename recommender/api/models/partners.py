"""Partners (apps, radio services, catalogue owners) and the API keys they authenticate with."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

__all__ = ["APIKey", "Partner", "Scope"]


class Scope(models.TextChoices):
    """What a key may do. A view names the scope each of its methods needs (``required_scopes``)."""

    CATALOG_READ = "catalog:read", "Read the catalogue, audio features, jobs and the taxonomies"
    CATALOG_WRITE = "catalog:write", "Upload tracks and manage webhooks"
    PLAYLISTS = "playlists", "Recommendations and playlists"
    PROFILES = "profiles", "Partner-managed listeners: events, profiles, erasure"


class Partner(models.Model):
    """An organisation integrating Moodmix through the API.

    Each partner acts through its own service ``user`` (created with the partner, never logged in): tracks
    it uploads are owned by that user, so the catalogue's visibility rules (``Track.objects.visible_to``)
    decide what a partner sees - public tracks and its own private uploads, never another partner's.
    """

    name = models.CharField(verbose_name="name", max_length=120, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="service account",
        on_delete=models.PROTECT,
        related_name="api_partner",
        help_text="The account the partner's requests act as; owner of the tracks it uploads.",
    )
    contact_email = models.EmailField(verbose_name="contact e-mail", blank=True)
    is_active = models.BooleanField(
        verbose_name="active", default=True, help_text="An inactive partner's keys are all refused."
    )
    notes = models.TextField(verbose_name="notes", blank=True)
    created = models.DateTimeField(verbose_name="created", auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "partner"
        verbose_name_plural = "partners"

    def __str__(self) -> str:
        return self.name


class APIKey(models.Model):
    """One secret a partner authenticates with (``Authorization: Bearer mmx_...``).

    The key is shown once when created and only its SHA-256 is stored: keys are 256 random bits, so a fast
    hash is enough (a slow password hash protects low-entropy secrets and would cost every request). The
    ``prefix`` is stored in clear so people can tell keys apart. Revoking sets ``revoked_at``; the row is
    kept so past jobs still name the key that created them.
    """

    partner = models.ForeignKey(
        Partner, verbose_name="partner", on_delete=models.CASCADE, related_name="keys"
    )
    name = models.CharField(verbose_name="name", max_length=120, help_text="What the key is for.")
    prefix = models.CharField(
        verbose_name="prefix", max_length=16, unique=True, help_text="The key's first characters, in clear."
    )
    key_hash = models.CharField(verbose_name="SHA-256 of the key", max_length=64, unique=True, editable=False)
    scopes = ArrayField(
        models.CharField(max_length=32, choices=Scope.choices),
        verbose_name="scopes",
        default=list,
        blank=True,
        help_text="What the key may do.",
    )
    rate_limit = models.PositiveIntegerField(
        verbose_name="rate limit",
        null=True,
        blank=True,
        help_text="Requests per rate window (MOODMIX_API_RATE_WINDOW_S); empty: MOODMIX_API_RATE_LIMIT.",
    )
    created = models.DateTimeField(verbose_name="created", auto_now_add=True)
    last_used_at = models.DateTimeField(
        verbose_name="last used", null=True, blank=True, help_text="Updated at most once a minute."
    )
    revoked_at = models.DateTimeField(verbose_name="revoked", null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = "API key"
        verbose_name_plural = "API keys"

    def __str__(self) -> str:
        return f"{self.prefix}... ({self.name})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.partner.is_active

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
