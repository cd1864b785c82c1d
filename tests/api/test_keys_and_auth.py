"""Keys: created by the command (shown once, stored hashed), Bearer auth, revocation, scopes, sessions."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from recommender.api.models import APIKey, Partner, Scope
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MOODS = "/api/v1/moods"


def problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["code"] == code and body["detail"]
    return body


def test_create_api_key_prints_the_key_once_and_stores_only_its_hash():
    out, err = StringIO(), StringIO()
    call_command(
        "create_api_key", "Radio Mars", "--create-partner", "--scope", "catalog:read", stdout=out, stderr=err
    )
    secret = out.getvalue().strip()
    key = APIKey.objects.get(partner__name="Radio Mars")
    assert secret.startswith(f"mmx_{key.prefix}_")
    assert key.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(APIKey.objects.values().get())  # the clear key is nowhere in the row
    assert key.scopes == ["catalog:read"]
    assert "shown once" in err.getvalue()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get(MOODS).status_code == 200


def test_create_api_key_refuses_an_unknown_partner():
    with pytest.raises(CommandError, match="--create-partner"):
        call_command("create_api_key", "Nobody", stdout=StringIO(), stderr=StringIO())


def test_several_keys_per_partner_each_with_its_scopes(partner, make_client):
    reader = make_client(partner, scopes=[Scope.CATALOG_READ])
    writer = make_client(partner, scopes=[Scope.CATALOG_WRITE])
    assert partner.keys.count() == 2
    assert reader.get(MOODS).status_code == 200
    problem(writer.get(MOODS), 403, "permission_denied")
    assert "catalog:read" in writer.get(MOODS).json()["detail"]


@pytest.mark.parametrize(
    "header",
    [None, "Bearer mmx_00000000_not-a-real-key", "Bearer", "Token abc", "Bearer a b"],
)
def test_missing_malformed_or_unknown_keys_are_401(header):
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(MOODS)
    code = "not_authenticated" if header is None else "authentication_failed"
    problem(response, 401, code)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_key_is_401_at_once(api):
    assert api.get(MOODS).status_code == 200
    api.key.revoke()
    body = problem(api.get(MOODS), 401, "authentication_failed")
    assert "revoked" in body["detail"]


def test_an_inactive_partner_loses_every_key(api, partner):
    Partner.objects.filter(pk=partner.pk).update(is_active=False)
    problem(api.get(MOODS), 401, "authentication_failed")


def test_a_listener_session_uses_the_api_for_their_own_data(client, taxonomy):
    client.force_login(UserFactory())
    assert client.get(MOODS).status_code == 200
    response = client.post(
        "/api/v1/webhooks", {"url": "http://127.0.0.1:9/hook"}, content_type="application/json"
    )
    assert response.status_code == 403  # webhooks are a partner's; CSRF or partner_only, never 2xx


def test_last_used_is_recorded(api):
    assert api.key.last_used_at is None
    api.get(MOODS)
    api.key.refresh_from_db()
    assert api.key.last_used_at is not None


def test_admin_creates_a_key_and_shows_it_once(admin_client, partner):
    response = admin_client.post(
        "/admin/api/apikey/add/",
        {"partner": partner.pk, "name": "from admin", "scopes": "catalog:read", "rate_limit": ""},
        follow=True,
    )
    assert response.status_code == 200
    key = APIKey.objects.get(name="from admin")
    shown = [str(m) for m in response.context["messages"] if "mmx_" in str(m)]
    assert len(shown) == 1
    secret = shown[0].split("The new key is ")[1].split(" ")[0]
    assert hashlib.sha256(secret.encode()).hexdigest() == key.key_hash
    page = admin_client.get(f"/admin/api/apikey/{key.pk}/change/").content.decode()
    assert secret not in page


def test_admin_revokes_keys_in_bulk(admin_client, api):
    admin_client.post(
        "/admin/api/apikey/", {"action": "revoke", "_selected_action": [api.key.pk]}, follow=True
    )
    api.key.refresh_from_db()
    assert api.key.revoked_at is not None
    problem(api.get(MOODS), 401, "authentication_failed")


def test_admin_creates_a_partner_with_its_service_account(admin_client):
    admin_client.post(
        "/admin/api/partner/add/", {"name": "New Radio", "contact_email": "", "is_active": "on"}
    )
    partner = Partner.objects.get(name="New Radio")
    assert partner.user.username.startswith("partner-new-radio")
    assert not partner.user.has_usable_password()
