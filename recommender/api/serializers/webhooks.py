"""Webhook endpoints (the secret is in the answer to their creation only) and their deliveries."""

from __future__ import annotations

from rest_framework import serializers

from recommender.api.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

__all__ = ["DeliverySerializer", "WebhookCreatedSerializer", "WebhookSerializer"]


class WebhookSerializer(serializers.ModelSerializer):
    url = serializers.URLField(max_length=500, help_text="http(s) URL that receives POSTed events.")
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices),
        required=False,
        default=list,
        help_text="Events to receive; empty or absent: all of them.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "events", "is_active", "created"]
        read_only_fields = ["id", "is_active", "created"]

    def validate_url(self, value: str) -> str:
        if not value.lower().startswith(("http://", "https://")):
            raise serializers.ValidationError("Only http and https URLs can receive webhooks.")
        return value


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(read_only=True, help_text="Shown only now: verify signatures with it.")

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]


class DeliverySerializer(serializers.ModelSerializer):
    job = serializers.UUIDField(source="job_id", allow_null=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event",
            "job",
            "status",
            "attempts",
            "last_status_code",
            "last_error",
            "created",
            "delivered_at",
            "payload",
        ]
