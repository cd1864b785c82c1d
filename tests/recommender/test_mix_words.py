"""Playlists from words on the generator page: the JSON endpoint the page's script calls, the form's
server-side round trip (no script), and a generation from the sliders the words set."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from recommender.services.words_mix import mix_from_words

pytestmark = pytest.mark.django_db

SENTENCE = "rainy Sunday, calm but hopeful"


@pytest.fixture
def ada_client(client, ada):
    client.force_login(ada)
    return client


def test_sliders_follow_the_reading():
    mix = mix_from_words(SENTENCE)
    assert max(mix.families.values()) == 100 == mix.families["calm"]
    assert mix.families["joyful"] > 0  # "hopeful" ~ optimistic -> cheerful
    assert mix.families["aggressive"] == 0
    assert -100 <= mix.valence <= 100 and mix.arousal < 0  # calm and a Sunday: low arousal


def test_json_endpoint_answers_moods_and_sliders(ada_client):
    body = ada_client.post(reverse("recommender:mix-words"), {"text": SENTENCE}).json()
    assert {t["mood"] for t in body["reading"]["targets"]} >= {"calm", "cheerful"}
    assert body["families"]["calm"] == 100
    assert any("hopeful" in line for line in body["reading"]["readings"])


@pytest.mark.parametrize(
    ("text", "code", "status"),
    [("qwzx blorp", "not_understood", 422), ("not sad", "only_avoid", 422), ("  ", "missing", 400)],
)
def test_json_endpoint_says_when_it_did_not_understand(ada_client, text, code, status):
    response = ada_client.post(reverse("recommender:mix-words"), {"text": text})
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


def test_json_endpoint_needs_a_login_and_a_post(client, ada):
    assert client.post(reverse("recommender:mix-words"), {"text": SENTENCE}).status_code == 302
    client.force_login(ada)
    assert client.get(reverse("recommender:mix-words"), {"text": SENTENCE}).status_code == 405


def _form(**extra) -> dict:
    return {"strategy": "mood", "length": "5", "artist_spacing": "1", "diversity": "0", **extra}


def test_form_round_trip_without_script(ada_client):
    page = ada_client.post(reverse("recommender:mix"), _form(words=SENTENCE, read_words="1"))
    assert page.status_code == 200  # read only: nothing generated yet
    html = page.content.decode()
    assert 'class="word-chip on" data-mood="calm"' in html and "cheerful (joyful)" in html
    assert re.search(r'name="mood_calm"[^>]*value="100"', html)
    assert re.search(r'name="mood_aggressive"[^>]*value="0"', html)
    assert f'value="{SENTENCE}"' in html


def test_form_says_clearly_when_it_did_not_understand(ada_client):
    html = ada_client.post(
        reverse("recommender:mix"), _form(words="qwzx blorp", read_words="1")
    ).content.decode()
    assert 'id="words-error"' in html and "Could not read any mood" in html and "qwzx" in html
    assert 'class="word-chip' not in html


def test_generating_from_the_sliders_the_words_set(known, ada_client):
    html = ada_client.post(reverse("recommender:mix"), _form(words=SENTENCE, read_words="1")).content.decode()
    sliders = dict(re.findall(r'name="(mood_\w+)" id="[^"]*" value="(\d+)"', html))
    assert sliders["mood_calm"] == "100"
    response = ada_client.post(reverse("recommender:mix"), _form(words=SENTENCE, **sliders))
    assert response.status_code == 302 and "/playlists/" in response.url
