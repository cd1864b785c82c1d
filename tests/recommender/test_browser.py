"""A real browser (Debian's Chromium driven by Playwright) against a live server: sign up, generate a mood
playlist with the sliders, play it, like two tracks, and see the profile change.

Screenshots are kept as test artefacts under ``var/test-artifacts/browser/`` (git-ignored). Skipped, with
the reason, only where ``/usr/bin/chromium`` is absent (``apt-get install chromium``); Playwright never
downloads a browser of its own here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from catalog.services.taxonomy import load_taxonomy
from recommender.services.playlists import snapshot
from tests.recommender.catalogue import build_catalogue

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "browser"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed (/usr/bin/chromium)"
    ),
]


@pytest.fixture
def browser_page():
    playwright_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 1000})
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            browser.close()


def set_range(page, name: str, value: int) -> None:
    """Move a slider as a user's drag would: set the value and fire ``input``."""
    page.locator(f"input[name={name}]").evaluate(
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }", value
    )


def signal_count(page) -> int:
    return int(re.search(r"Based on (\d+) signal", page.inner_text("#signal-count")).group(1))


@pytest.fixture
def small_catalogue(transactional_db):
    """Written before the browser starts: Playwright's sync API runs an event loop in this thread, and
    Django refuses database calls from a thread with a running loop."""
    load_taxonomy()  # a transactional test may run after another one flushed the migrated taxonomy rows
    # The flush also restarted the score generations, so a snapshot cached by an earlier test in this
    # process would pass for current: drop it (a live database's generations only grow).
    snapshot._cache.clear()
    return build_catalogue(8, artists=16)


@pytest.mark.django_db(transaction=True)
def test_sign_up_generate_play_like_and_see_the_profile_change(live_server, small_catalogue, browser_page):
    page, url = browser_page, live_server.url

    page.goto(f"{url}/accounts/signup/")
    page.fill("#id_username", "wendy")
    page.fill("#id_email", "wendy@example.org")
    page.fill("#id_password1", "slow evening music 42")
    page.fill("#id_password2", "slow evening music 42")
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/mix/")

    page.goto(f"{url}/profile/")
    assert signal_count(page) == 0
    page.screenshot(path=ARTIFACTS / "1-empty-profile.png", full_page=True)

    page.goto(f"{url}/mix/")
    page.click(".chip[data-family=calm]")  # the chip pushes its slider to 100
    assert page.input_value("input[name=mood_calm]") == "100"
    set_range(page, "mood_dreamy", 40)
    assert page.get_attribute(".chip[data-family=dreamy]", "aria-pressed") == "true"
    set_range(page, "style_ambient", 60)
    set_range(page, "diversity", 20)
    page.fill("input[name=length]", "8")
    page.fill("input[name=artist_spacing]", "2")
    page.screenshot(path=ARTIFACTS / "2-generator.png", full_page=True)
    page.click("button.generate")
    page.wait_for_url(re.compile(r".*/playlists/\d+/$"))
    items = page.locator("#items .item")
    assert items.count() == 8
    assert "Calm" in page.inner_text("#items")

    page.click("#play")
    page.wait_for_function("() => { const a = document.getElementById('audio'); return a.currentTime > 0; }")
    first = page.get_attribute("#player", "data-current")
    page.click("#like")
    page.wait_for_function("() => document.getElementById('signals').textContent.includes('1 signals')")
    page.click("#skip")  # skipping sends a signal and moves on
    page.wait_for_function(f"() => document.getElementById('player').dataset.current !== '{first}'")
    page.wait_for_function("() => document.getElementById('audio').currentTime > 0")
    page.click("#like")
    page.wait_for_function("() => document.getElementById('signals').textContent.includes('3 signals')")
    assert page.locator("#items .item[data-liked=true]").count() == 2
    page.screenshot(path=ARTIFACTS / "3-playlist-playing.png", full_page=True)

    page.goto(f"{url}/profile/")
    assert signal_count(page) >= 3
    portrait = page.locator(".portrait")
    assert "Your mood is predominantly" in portrait.inner_text()
    assert portrait.get_attribute("data-family") in {"calm", "dreamy"}
    calm_share = int(page.get_attribute(".family-bar[data-family=calm]", "data-share"))
    assert calm_share > 10
    page.screenshot(path=ARTIFACTS / "4-profile.png", full_page=True)


@pytest.mark.django_db(transaction=True)
def test_playlist_from_words(live_server, small_catalogue, browser_page):
    """Type a sentence, see what it was read as, adjust a slider, generate; and a clear "not understood"."""
    page, url = browser_page, live_server.url
    page.goto(f"{url}/accounts/signup/")
    page.fill("#id_username", "wordy")
    page.fill("#id_email", "wordy@example.org")
    page.fill("#id_password1", "slow evening music 42")
    page.fill("#id_password2", "slow evening music 42")
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/mix/")

    page.fill("#id_words", "qwzx blorp")
    page.click("#read-words")
    page.wait_for_selector("#words-error")
    assert "Could not read any mood" in page.inner_text("#words-error")
    assert page.url == f"{url}/mix/"  # the script answered; nothing was posted or generated

    page.fill("#id_words", "rainy Sunday, calm but hopeful")
    page.press("#id_words", "Enter")  # Enter reads, it does not generate
    page.wait_for_selector("#words-chips .word-chip")
    chips = page.inner_text("#words-chips")
    assert "calm (calm)" in chips and "cheerful (joyful)" in chips
    assert page.locator("#words-error").count() == 0
    assert page.input_value("input[name=mood_calm]") == "100"
    assert int(page.input_value("input[name=mood_joyful]")) > 0
    assert page.get_attribute(".chip[data-family=calm]", "aria-pressed") == "true"
    page.screenshot(path=ARTIFACTS / "5-words-read.png", full_page=True)

    set_range(page, "mood_joyful", 0)  # the listener adjusts what was read
    page.fill("input[name=length]", "6")
    page.fill("input[name=artist_spacing]", "1")
    page.click("button.generate")
    page.wait_for_load_state()
    page.screenshot(path=ARTIFACTS / "6-words-generated.png", full_page=True)
    errors = page.locator(".message.error")
    assert not errors.count(), errors.all_inner_texts()
    page.wait_for_url(re.compile(r".*/playlists/\d+/$"))
    assert page.locator("#items .item").count() > 0
