"""``/listeners/{external_id}``: a partner's own listeners (scope ``profiles``), thin views over the
profile services. The listener is always resolved within the calling partner, so another partner's id is
a 404 exactly like an unknown one."""

from __future__ import annotations

import hashlib
import json

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from recommender.api.errors import ApiError
from recommender.api.models import PartnerListener, Scope
from recommender.api.permissions import is_partner_request
from recommender.api.serializers.listeners import (
    EventBatchSerializer,
    ListenerProfileSerializer,
    RecordedSerializer,
)
from recommender.api.services.idempotency import run_once
from recommender.api.services.listeners import (
    erase_listener,
    find_listener,
    listener_for,
    picture_of,
    valid_external_id,
)
from recommender.api.views.base import ApiView
from recommender.models import ListenerProfile
from recommender.services.profiles.signals import SignalError, record_event

__all__ = ["ListenerDetailView", "ListenerEventsView", "ListenerProfileView"]

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="Any unique string: a retried batch with the same key is answered again, never "
    "recorded twice.",
)


def _partner(request):
    if not is_partner_request(request):
        raise ApiError("Listeners are managed with partner keys.", code="partner_only", status_code=403)
    return request.auth.partner


def _listener_or_404(request, external_id: str) -> PartnerListener:
    listener = find_listener(_partner(request), external_id)
    if listener is None:
        raise ApiError(f"No listener '{external_id}' of this partner.", code="not_found", status_code=404)
    return listener


class ListenerEventsView(ApiView):
    required_scopes = {"POST": Scope.PROFILES}
    serializer_class = RecordedSerializer

    @extend_schema(
        request=EventBatchSerializer, responses={201: RecordedSerializer}, parameters=[IDEMPOTENCY_HEADER]
    )
    def post(self, request, external_id: str):
        """Record a batch of plays, likes, dislikes and skips; the profile follows at once. All or nothing:
        one refused event refuses the batch, naming it."""
        partner = _partner(request)
        if not valid_external_id(external_id):
            raise ApiError(
                "A listener id is 1 to 128 letters, digits or . _ @ + -", code="invalid_parameters"
            )
        form = EventBatchSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        events = form.validated_data["events"]

        def work() -> tuple[int, dict]:
            listener = listener_for(partner, external_id)
            with transaction.atomic():
                for index, event in enumerate(events):
                    try:
                        record_event(
                            listener.user,
                            event["track"],
                            event["kind"],
                            fraction=event.get("fraction"),
                            playlist_id=event.get("playlist"),
                        )
                    except SignalError as error:
                        raise ApiError(
                            f"events[{index}]: {error}.",
                            code="invalid_parameters",
                            extra={"errors": {"events": {str(index): [str(error)]}}},
                        ) from None
            signals = ListenerProfile.objects.get(user=listener.user).signal_count
            return status.HTTP_201_CREATED, {"recorded": len(events), "signal_count": signals}

        key = request.headers.get("Idempotency-Key")
        if key is None:
            code, body = work()
            return Response(body, status=code)
        outcome = run_once(partner.user, key, _digest(external_id, request.data), work)
        headers = {"Idempotent-Replayed": "true"} if outcome.replayed else {}
        return Response(outcome.body, status=outcome.status, headers=headers)


def _digest(external_id: str, data) -> str:
    """What an Idempotency-Key is bound to: this listener and this batch (another use of it is a 422)."""
    text = json.dumps({"events_of": external_id, "body": data}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class ListenerProfileView(ApiView):
    required_scopes = {"GET": Scope.PROFILES}
    serializer_class = ListenerProfileSerializer

    def get(self, request, external_id: str):
        """The listener's mood families against the catalogue, top genres by lift, and the portrait."""
        listener = _listener_or_404(request, external_id)
        picture = picture_of(listener)
        summary, profile, text = picture.summary, picture.profile, picture.portrait
        body = {
            "listener": listener.external_id,
            "signal_count": summary.signal_count,
            "model_version": profile.model_version if profile else "",
            "prevalent_family": summary.prevalent.name if summary.prevalent else None,
            "families": [
                {"name": f.name, "colour": f.colour, "share": f.share, "prior": f.prior, "lift": f.lift}
                for f in summary.families
            ],
            "top_genres": summary.genres,
            "portrait": None
            if text is None
            else {
                "family": text.family,
                "colour": text.colour,
                "text": text.text,
                "sentences": text.sentences,
            },
            "updated": profile.updated if profile else None,
        }
        return Response(ListenerProfileSerializer(body).data)


class ListenerDetailView(ApiView):
    required_scopes = {"DELETE": Scope.PROFILES}
    serializer_class = None

    @extend_schema(responses={204: OpenApiResponse(description="Erased.")})
    def delete(self, request, external_id: str):
        """Erase the listener: events, profile, playlists and the account Moodmix kept for them."""
        erase_listener(_listener_or_404(request, external_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
