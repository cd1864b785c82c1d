"""What the Subsonic API keeps of its own: per-user Subsonic credentials. Stars and scrobbles are the
recommender app's listening events (see ``recommender.subsonic.signals_adapter``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

__all__ = ["SubsonicCredential"]


class SubsonicCredential(models.Model):
    """A listener's Subsonic password and API key, separate from the account password.

    Subsonic's token auth sends ``md5(password + salt)``, so the server must be able to recompute it: the
    password is stored recoverably (as Funkwhale and Navidrome do). That is why it is a separate,
    generated secret the listener can reset at any time, and never the account password. The OpenSubsonic
    API key is only ever compared, so only its SHA-256 is kept.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="user",
        on_delete=models.CASCADE,
        related_name="subsonic_credential",
    )
    password = models.CharField(
        verbose_name="Subsonic password",
        max_length=64,
        blank=True,
        help_text="Generated secret for Subsonic clients (token auth needs it in clear); empty = disabled.",
    )
    api_key_sha256 = models.CharField(
        verbose_name="API key (SHA-256)",
        max_length=64,
        blank=True,
        db_index=True,
        help_text="Hex SHA-256 of the OpenSubsonic API key; the key itself is shown once, never stored.",
    )
    updated = models.DateTimeField(verbose_name="updated", auto_now=True)

    class Meta:
        verbose_name = "Subsonic credential"
        verbose_name_plural = "Subsonic credentials"

    def __str__(self) -> str:
        return f"Subsonic credential of {self.user}"
