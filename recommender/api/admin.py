"""Partners, their keys, jobs and webhook deliveries in the admin.

A key is created from the partner's page or the key list: the secret is generated on save and shown once
in the confirmation message (only its hash is stored). Revoking is a bulk action; revoked keys stay listed.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone

from recommender.api.models import (
    AnalysisJob,
    APIKey,
    Partner,
    PartnerListener,
    WebhookDelivery,
    WebhookEndpoint,
)
from recommender.api.services.keys import create_partner, hash_key, issue_key

__all__ = [
    "APIKeyAdmin",
    "AnalysisJobAdmin",
    "PartnerAdmin",
    "PartnerListenerAdmin",
    "WebhookDeliveryAdmin",
    "WebhookEndpointAdmin",
]


class APIKeyInline(admin.TabularInline):
    model = APIKey
    fields = ["name", "prefix", "scopes", "rate_limit", "created", "last_used_at", "revoked_at"]
    readonly_fields = ["name", "prefix", "scopes", "rate_limit", "created", "last_used_at", "revoked_at"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # keys are added on the key page, which shows the secret once


class WebhookEndpointInline(admin.TabularInline):
    model = WebhookEndpoint
    fields = ["url", "events", "is_active", "created"]
    readonly_fields = ["created"]
    extra = 0


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "contact_email", "is_active", "created"]
    list_filter = ["is_active"]
    search_fields = ["name", "contact_email"]
    readonly_fields = ["user", "created"]
    inlines = [APIKeyInline, WebhookEndpointInline]

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []  # keys are issued once the partner exists

    def get_fields(self, request, obj=None):
        fields = ["name", "contact_email", "is_active", "notes"]
        return fields if obj is None else [*fields, "user", "created"]

    def save_model(self, request, obj, form, change) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created = create_partner(obj.name, contact_email=obj.contact_email)
        Partner.objects.filter(pk=created.pk).update(is_active=obj.is_active, notes=obj.notes)
        obj.pk, obj.user = created.pk, created.user
        obj.refresh_from_db()


@admin.register(APIKey)
class APIKeyAdmin(admin.ModelAdmin):
    list_display = [
        "prefix",
        "name",
        "partner",
        "scopes",
        "rate_limit",
        "created",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["partner", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["partner"]
    search_fields = ["name", "prefix", "partner__name"]
    readonly_fields = ["prefix", "created", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        fields = ["partner", "name", "scopes", "rate_limit"]
        return fields if obj is None else [*fields, "prefix", "created", "last_used_at", "revoked_at"]

    def save_model(self, request, obj, form, change) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        issued = issue_key(obj.partner, name=obj.name, scopes=obj.scopes, rate_limit=obj.rate_limit)
        obj.pk, obj.prefix, obj.key_hash = issued.key.pk, issued.key.prefix, hash_key(issued.secret)
        obj.refresh_from_db()
        self.message_user(
            request,
            f"The new key is {issued.secret} - copy it now: it is stored hashed and will not be shown again.",
            messages.WARNING,
        )

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request, queryset) -> None:
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"{count} key(s) revoked.", messages.SUCCESS)


@admin.register(AnalysisJob)
class AnalysisJobAdmin(admin.ModelAdmin):
    list_display = ["id", "track", "partner", "requested_by", "final_status", "created", "finished_at"]
    list_filter = ["final_status", "partner"]
    list_select_related = ["track__artist", "partner", "requested_by"]
    readonly_fields = [
        "track",
        "requested_by",
        "partner",
        "api_key",
        "final_status",
        "created",
        "finished_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "partner", "is_active", "created"]
    list_filter = ["is_active", "partner"]
    list_select_related = ["partner"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["id", "event", "endpoint", "status", "attempts", "last_status_code", "created"]
    list_filter = ["status", "event"]
    list_select_related = ["endpoint"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(PartnerListener)
class PartnerListenerAdmin(admin.ModelAdmin):
    list_display = ["external_id", "partner", "user", "created"]
    list_filter = ["partner"]
    list_select_related = ["partner", "user"]
    search_fields = ["external_id"]
    readonly_fields = ["partner", "external_id", "user", "created"]

    def has_add_permission(self, request) -> bool:
        return False  # created by the API when a partner first sends something for the listener
