"""The map page in headless Chromium (Playwright, the system's /usr/bin/chromium): points drawn, hover,
a lasso played, a sentence read; the screenshot is kept as var/artefacts/music-map.png."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from catalog.services.taxonomy import load_taxonomy
from recommender.explore.music_map import compute_map
from tests.explore.catalogue import MODEL_VERSION, build_catalogue

CHROMIUM = "/usr/bin/chromium"
ARTEFACT = Path(__file__).resolve().parents[2] / "var" / "artefacts" / "music-map.png"
MOODS = ["calm", "energetic", "sad", "happy", "dark", "romantic", "dreamy", "groovy", "tense", "aggressive"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="needs the system Chromium"),
]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def browser_page(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls of the fixtures are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1100, "height": 1100})
        yield page
        browser.close()


def test_map_page_round_trip(live_server, transactional_db, browser_page):
    load_taxonomy()
    tracks, _ = build_catalogue(1500, MOODS)
    music_map = compute_map(MODEL_VERSION)
    page = browser_page
    page.goto(f"{live_server.url}/map/")
    page.wait_for_selector("#music-map[data-ready=true]", timeout=30_000)
    assert page.inner_text("#map-status") == "1500 tracks"

    canvas = page.locator("#music-map").bounding_box()
    point = music_map.points[0]
    page.mouse.move(canvas["x"] + point[1] * canvas["width"], canvas["y"] + point[2] * canvas["height"])
    page.wait_for_selector("#map-tooltip:not([hidden])")
    assert "Map Artist" in page.inner_text("#map-tooltip")

    # A lasso around the point hovered: a square of a tenth of the map, drawn as a drag.
    cx, cy = canvas["x"] + point[1] * canvas["width"], canvas["y"] + point[2] * canvas["height"]
    half = canvas["width"] * 0.05
    page.mouse.move(cx - half, cy - half)
    page.mouse.down()
    for x, y in [
        (cx + half, cy - half),
        (cx + half, cy + half),
        (cx - half, cy + half),
        (cx - half, cy - half),
    ]:
        page.mouse.move(x, y, steps=4)
    page.mouse.up()
    page.click("#map-play-region")
    page.wait_for_selector("#map-queue li")
    assert page.locator("#map-queue li").count() >= 1
    assert "tracks in this region" in page.inner_text("#map-status")

    page.fill("#words-text", "calm but hopeful")
    page.click("#words-form button")
    page.wait_for_selector("#words-reading .chip")
    assert {"calm", "cheerful"} <= set(page.locator("#words-reading .chip").all_inner_texts())

    page.fill("#words-text", "blorf")
    page.click("#words-form button")
    # A function, not a bare expression: Playwright evaluates a bare one with eval, which the CSP forbids.
    page.wait_for_function(
        "() => document.querySelector('#words-reading').textContent.includes('Could not read')"
    )

    page.fill("#words-text", "calm and serene")
    page.click("#words-form button")
    page.wait_for_selector("#words-reading .chip")
    ARTEFACT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACT), full_page=True)
    assert ARTEFACT.stat().st_size > 10_000
