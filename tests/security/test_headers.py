"""Security headers on every page, and no inline script anywhere: in the templates and in what is served."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from recommender.security import DEFAULT_POLICY
from tests.factories import UserFactory
from tests.security.urls import every_url

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates"), *ROOT.glob("*/*/templates")]

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.I)

URLS = every_url()


def test_the_walk_covers_the_site():
    urls = {url for _, url in URLS}
    # The walk must reach into every include, or the header test below proves less than it says.
    assert {"/", "/upload/", "/healthz", "/admin/", "/api/v1/tracks", "/api/v1/docs/", "/mix/"} <= urls
    assert len(URLS) > 60


@pytest.mark.parametrize("template", sorted(p for d in TEMPLATE_DIRS for p in d.rglob("*.html")), ids=str)
def test_no_template_has_an_inline_script_or_handler(template: Path):
    text = template.read_text()
    assert not INLINE_SCRIPT.search(text), "inline <script>: move it to a static file"
    assert not INLINE_HANDLER.search(text), "inline on* handler: attach it from a static file"
    assert not JS_URL.search(text)


def _assert_secure(response, url: str) -> None:
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response["Referrer-Policy"] == "same-origin", url
    policy = response["Content-Security-Policy"]
    script_src = policy.split("script-src")[1].split(";")[0]
    assert script_src.strip() == "'self'", url
    if response.get("Content-Type", "").startswith("text/html"):
        body = response.content.decode(errors="replace")
        assert not INLINE_SCRIPT.search(body), f"{url} serves an inline script"
        assert not INLINE_HANDLER.search(body), f"{url} serves an inline handler"


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "superuser"])
def test_every_url_pattern_answers_with_the_security_headers(who, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = Client(raise_request_exception=False)
    if who == "superuser":
        client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    checked = 0
    for _, url in URLS:
        if url == "/admin/logout/":
            continue  # would end the session for the URLs after it
        response = client.get(url)
        assert response.status_code != 500, url
        _assert_secure(response, url)
        checked += 1
    assert checked == len(URLS) - 1


@pytest.mark.django_db
def test_default_policy_and_the_docs_pages(admin_client):
    assert "frame-ancestors 'none'" in DEFAULT_POLICY and "object-src 'none'" in DEFAULT_POLICY
    swagger = Client().get("/api/v1/docs/")
    assert swagger["Content-Security-Policy"] == DEFAULT_POLICY
    assert b"?script" in swagger.content  # Swagger's start-up script is a separate, same-origin URL
    script = Client().get("/api/v1/docs/?script=")
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content
    redoc = Client().get("/api/v1/redoc/")
    assert "worker-src 'self' blob:" in redoc["Content-Security-Policy"]
    assert "script-src 'self';" in redoc["Content-Security-Policy"]


def test_cookie_and_password_settings_follow_the_deployment_checklist():
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE == "Lax" and settings.X_FRAME_OPTIONS == "DENY"
    validators = {v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert {"MinimumLengthValidator", "CommonPasswordValidator", "NumericPasswordValidator"} <= validators


@pytest.mark.parametrize("https", ["1", "0"])
def test_check_deploy_is_clean_with_production_settings(https):
    """``manage.py check --deploy`` with DEBUG off, a real secret key, behind HTTPS or declared plain HTTP."""
    import os
    import secrets
    import subprocess
    import sys

    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "MOODMIX_HTTPS": https}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
