"""CSRF on every form: a logged-in browser's POST without the token is refused on every URL of the site.

Every URL pattern is posted to (not only the known forms: a new view that forgets CSRF shows up here), as a
listener and as a superuser, with Django's CSRF checks on as in production. The partner API is covered
too: a session using it is checked (DRF's SessionAuthentication); a bearer key is not a cookie, so no
CSRF applies to it.
"""

from __future__ import annotations

import pytest
from django.test import Client

from catalog.choices import Visibility
from catalog.models import Track
from tests.factories import TrackFactory, UserFactory
from tests.security.urls import every_url

URLS = [url for _, url in every_url()]

# Exempt on purpose, each with its reason; a new exemption must be added here, so it gets read.
CSRF_EXEMPT = {
    "/map/region.json": "read-only: POST only because a lasso polygon can be long; it changes nothing",
    "/rest/1": "Subsonic API: credentials travel in each request (u/t/s), never the session cookie",
}


@pytest.mark.django_db
@pytest.mark.parametrize("superuser", [False, True], ids=["listener", "superuser"])
def test_every_post_without_a_token_is_refused(superuser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = UserFactory(username="poster", is_staff=superuser, is_superuser=superuser)
    track = TrackFactory(owner=user, visibility=Visibility.PRIVATE)
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(user)
    accepted = []
    for url in [*URLS, f"/tracks/{track.pk}/sharing"]:
        response = client.post(url, {"visibility": "public", "name": "x", "title": "x"})
        if response.status_code != 403 and url not in CSRF_EXEMPT:
            accepted.append((url, response.status_code))
    assert accepted == []
    assert Track.objects.get(pk=track.pk).visibility == Visibility.PRIVATE


@pytest.mark.django_db
def test_the_same_post_with_the_token_is_accepted(settings, tmp_path):
    """The control: the refusals above are CSRF's, not the form's."""
    settings.MEDIA_ROOT = tmp_path
    user = UserFactory(username="poster")
    track = TrackFactory(owner=user, visibility=Visibility.PRIVATE)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    page = client.get(f"/tracks/{track.pk}/")
    token = page.context["csrf_token"]
    response = client.post(
        f"/tracks/{track.pk}/sharing", {"visibility": "public", "csrfmiddlewaretoken": str(token)}
    )
    assert response.status_code == 302
    assert Track.objects.get(pk=track.pk).visibility == Visibility.PUBLIC
