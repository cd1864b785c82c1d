"""``/webhooks``: a partner's endpoints and their deliveries (partner keys only: a listener has none)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from recommender.api.errors import ApiError
from recommender.api.models import Scope, WebhookEndpoint
from recommender.api.permissions import is_partner_request
from recommender.api.serializers.webhooks import (
    DeliverySerializer,
    WebhookCreatedSerializer,
    WebhookSerializer,
)
from recommender.api.services.webhooks import new_secret
from recommender.api.views.base import ApiView

__all__ = ["WebhookDeliveriesView", "WebhookDetailView", "WebhookListView"]


class PartnerOnly(ApiView):
    required_scopes = {"GET": Scope.CATALOG_WRITE, "POST": Scope.CATALOG_WRITE, "DELETE": Scope.CATALOG_WRITE}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not is_partner_request(request):
            raise ApiError(
                "Webhooks belong to partners: use a partner API key.", code="partner_only", status_code=403
            )

    def endpoints(self):
        return WebhookEndpoint.objects.filter(partner=self.request.auth.partner)

    def endpoint(self, pk: int) -> WebhookEndpoint:
        endpoint = self.endpoints().filter(pk=pk).first()
        if endpoint is None:
            raise ApiError(f"No webhook {pk} of this partner.", code="not_found", status_code=404)
        return endpoint


class WebhookListView(PartnerOnly):
    serializer_class = WebhookSerializer

    @extend_schema(operation_id="webhooks_list", responses=WebhookSerializer(many=True))
    def get(self, request):
        """The partner's webhook endpoints."""
        page = self.paginate_queryset(self.endpoints())
        return self.get_paginated_response(WebhookSerializer(page, many=True).data)

    @extend_schema(request=WebhookSerializer, responses={201: WebhookCreatedSerializer})
    def post(self, request):
        """Register a URL; the answer holds the signing secret, shown this once."""
        form = WebhookSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        endpoint = form.save(partner=request.auth.partner, secret=new_secret())
        return Response(WebhookCreatedSerializer(endpoint).data, status=status.HTTP_201_CREATED)


class WebhookDetailView(PartnerOnly):
    serializer_class = WebhookSerializer

    def get(self, request, pk: int):
        """One endpoint (without its secret)."""
        return Response(WebhookSerializer(self.endpoint(pk)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        """Stop sending events to this endpoint and forget it with its deliveries."""
        self.endpoint(pk).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookDeliveriesView(PartnerOnly):
    serializer_class = DeliverySerializer

    @extend_schema(responses=DeliverySerializer(many=True))
    def get(self, request, pk: int):
        """Deliveries to this endpoint, newest first, with the outcome of their last attempt."""
        page = self.paginate_queryset(self.endpoint(pk).deliveries.all())
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)
