"""Listeners a partner manages by its own ids, each backed by a private Moodmix account.

The playlist and profile services work on users. A partner's listener (``external_id`` in the partner's
system) gets a shadow account the first time the partner sends something for it, so those services work
unchanged, and two partners' listeners never meet even when their ids collide.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from recommender.api.models.partners import Partner

__all__ = ["EXTERNAL_ID_PATTERN", "PartnerListener"]

EXTERNAL_ID_PATTERN = r"\A[A-Za-z0-9._@+-]{1,128}\Z"


class PartnerListener(models.Model):
    """One listener of one partner: ``external_id`` is the partner's id for them (opaque to Moodmix)."""

    partner = models.ForeignKey(
        Partner, verbose_name="partner", on_delete=models.CASCADE, related_name="listeners"
    )
    external_id = models.CharField(
        verbose_name="external id",
        max_length=128,
        validators=[RegexValidator(EXTERNAL_ID_PATTERN)],
        help_text="The partner's own id for the listener: letters, digits and . _ @ + -",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="account",
        on_delete=models.CASCADE,
        related_name="partner_listener",
        help_text="The shadow account the listener's events and profile belong to (never logs in).",
    )
    created = models.DateTimeField(verbose_name="created", auto_now_add=True)

    class Meta:
        verbose_name = "partner listener"
        verbose_name_plural = "partner listeners"
        constraints = [
            models.UniqueConstraint(fields=["partner", "external_id"], name="api_partnerlistener_unique")
        ]

    def __str__(self) -> str:
        return f"{self.partner}: {self.external_id}"
