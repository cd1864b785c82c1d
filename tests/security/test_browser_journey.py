"""A real browser (Debian's Chromium via Playwright) against a live server and a real Celery worker:

1. a listener uploads two tracks (one public, one private) on the upload page, watches the progress bars
   and then the analysis states turn to "Analyzed" without reloading;
2. an editor confirms a low-ranked mood of the public track in the admin, and the track page then shows
   that mood first, marked as confirmed by an editor;
3. another listener opening the private track gets a 404 page, not the track.

The page runs under the site's Content-Security-Policy, so a script the policy blocks fails this test.
Screenshots are kept under ``var/test-artifacts/browser/``. Fixtures come from tests/recommender's browser
test (Debian's chromium, never a downloaded browser).
"""

from __future__ import annotations

import re
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group

from catalog.services.taxonomy import load_taxonomy
from tests.catalog.audio import write_audio
from tests.catalog.editors import make_editor
from tests.factories import UserFactory
from tests.recommender.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed (/usr/bin/chromium)"
    ),
]
PASSWORD = "listen-to-this"  # UserFactory's
ANALYSIS_TIMEOUT_MS = 300_000  # the worker's first analysis imports torch on a shared, loaded machine


@pytest.fixture
def people(transactional_db):
    """Written before the browser starts: Django refuses database calls from Playwright's loop thread."""
    load_taxonomy()
    if not Group.objects.filter(name="Editors").exists():  # an earlier transactional test flushed it
        import_module("catalog.migrations.0006_editors_group").create_editors(django_apps, None)
    UserFactory(username="uma")
    UserFactory(username="otto")
    make_editor("edith")


@pytest.fixture
def browser(people):
    playwright_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


def log_in(browser, url: str, username: str):
    page = browser.new_context(viewport={"width": 1200, "height": 1000}).new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    # Chromium reports what the Content-Security-Policy refuses as console errors naming the policy.
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    page.csp_errors = errors
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def upload(page, path, visibility: str) -> None:
    page.select_option("#id_visibility", visibility)
    page.set_input_files("#upload-form input[type=file]", str(path))


@pytest.mark.django_db(transaction=True)
def test_upload_analyse_edit_and_keep_private(celery_worker_process, live_server, browser, tmp_path):
    url = live_server.url
    public = write_audio(tmp_path / "Browser Band - Open Song.flac", seconds=6.0, frequency=330.0)
    private = write_audio(tmp_path / "Browser Band - Diary.wav", seconds=5.0, frequency=550.0)

    uma = log_in(browser, url, "uma")
    uma.goto(f"{url}/upload/")
    upload(uma, public, "public")
    uma.wait_for_selector("#upload-list li progress")  # the per-file progress bar is shown
    uma.wait_for_selector("#upload-list li a[href*='/tracks/']")
    upload(uma, private, "private")
    uma.screenshot(path=ARTIFACTS / "journey-1-uploading.png", full_page=True)
    uma.wait_for_function(
        "() => [...document.querySelectorAll('#upload-list li')]"
        ".filter(li => /Analyzed/i.test(li.textContent)).length === 2",
        timeout=ANALYSIS_TIMEOUT_MS,
    )
    uma.screenshot(path=ARTIFACTS / "journey-2-analysed.png", full_page=True)
    links = {
        uma.inner_text(f"#upload-list li:nth-child({i}) a"): uma.get_attribute(
            f"#upload-list li:nth-child({i}) a", "href"
        )
        for i in (1, 2)
    }
    public_url = next(href for text, href in links.items() if "Open Song" in text)
    private_url = next(href for text, href in links.items() if "Diary" in text)
    public_id = re.search(r"/tracks/(\d+)/", public_url).group(1)
    assert uma.csp_errors == [], uma.csp_errors  # no script or style refused by the policy

    edith = log_in(browser, url, "edith")
    edith.goto(f"{url}/admin/catalog/track/{public_id}/change/")
    confirm = edith.locator("button[value^='confirm mood']:visible").last  # the lowest-ranked shown
    term = confirm.locator("xpath=ancestor::tr/th").inner_text().split("\n")[0].strip()
    confirm.click()
    edith.wait_for_load_state()
    edith.screenshot(path=ARTIFACTS / "journey-3-editor-confirmed.png", full_page=True)

    uma.goto(f"{url}{public_url}")
    first = uma.locator(".mood-chips li").first
    assert "by-editor" in (first.get_attribute("class") or ""), uma.inner_text(".mood-chips")
    assert term.lower() in first.inner_text().lower(), (term, uma.inner_text(".mood-chips"))
    uma.screenshot(path=ARTIFACTS / "journey-4-editor-mood-first.png", full_page=True)

    otto = log_in(browser, url, "otto")
    response = otto.goto(f"{url}{private_url}")
    assert response.status == 404
    assert "Diary" not in otto.content()
    otto.screenshot(path=ARTIFACTS / "journey-5-private-refused.png", full_page=True)
    uma.goto(f"{url}{private_url}")
    assert "Diary" in uma.inner_text("h1")  # while its owner still opens it
