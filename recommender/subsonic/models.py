"""What the Subsonic API keeps of its own: per-user Subsonic credentials, and (until the listening-event
models of the playlists work are merged) the stars and scrobbles clients send.

Stars and scrobbles are written only through ``recommender.subsonic.signals_adapter``; at merge they move
to the recommender app's listening events and these two tables go (see the adapter's docstring).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from catalog.models import Track

__all__ = ["Scrobble", "Star", "SubsonicCredential"]


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


class Star(models.Model):
    """A track a listener starred in a Subsonic client (a like)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="user", on_delete=models.CASCADE, related_name="+"
    )
    track = models.ForeignKey(Track, verbose_name="track", on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(verbose_name="starred at", auto_now_add=True)

    class Meta:
        verbose_name = "star"
        verbose_name_plural = "stars"
        constraints = [models.UniqueConstraint(fields=["user", "track"], name="subsonic_star_once")]

    def __str__(self) -> str:
        return f"{self.user} starred {self.track_id}"


class Scrobble(models.Model):
    """A play a Subsonic client reported (``submission=true``); "now playing" notices are not kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="user", on_delete=models.CASCADE, related_name="+"
    )
    track = models.ForeignKey(Track, verbose_name="track", on_delete=models.CASCADE, related_name="+")
    played_at = models.DateTimeField(
        verbose_name="played at", help_text="The client's listen time, or when the scrobble arrived."
    )

    class Meta:
        verbose_name = "scrobble"
        verbose_name_plural = "scrobbles"
        indexes = [models.Index(fields=["user", "-played_at"], name="subsonic_scrobble_user_idx")]

    def __str__(self) -> str:
        return f"{self.user} played {self.track_id}"
