"""The words reader on a fixed list of sentences (the real embedding model, loaded once per process)."""

from __future__ import annotations

import pytest

from recommender.services.words import NotUnderstood, read_words


def moods(reading) -> list[str]:
    return [t.mood for t in reading.targets]


@pytest.mark.parametrize(
    ("sentence", "expected", "quadrant"),
    [
        # quadrant: signs of (valence, arousal) of the reading's point; None where either sign is fine.
        ("rainy Sunday, calm but hopeful", {"calm", "cheerful", "melancholic", "relaxed"}, (None, -1)),
        ("music to focus", {"calm", "serene"}, (1, -1)),
        ("angry workout", {"angry", "energetic", "determined"}, (None, 1)),
        ("very energetic", {"energetic"}, (1, 1)),
        ("something for the gym", {"energetic", "determined"}, (1, 1)),  # gym ~ workout (embedding)
        ("heartbroken and lonely", {"mournful", "lonely"}, (-1, -1)),  # heartbroken: a mournful word
        ("dreamy ethereal night drive", {"dreamy", "ethereal"}, (None, None)),
        ("romantic dinner", {"romantic", "laid-back"}, (1, None)),
    ],
)
def test_sentences_read_as_expected_moods(sentence, expected, quadrant):
    reading = read_words(sentence)
    assert expected <= set(moods(reading)), reading.readings
    for sign, value in zip(quadrant, (reading.valence, reading.arousal), strict=True):
        if sign is not None:
            assert value * sign > 0, (sentence, reading.valence, reading.arousal)


def test_a_word_outside_the_taxonomy_goes_through_the_embedding_model():
    reading = read_words("hopeful")
    assert moods(reading) == ["cheerful"]  # hopeful ~ optimistic, a level-3 word of cheerful
    assert "~ optimistic" in reading.readings[0]


def test_negation_avoids_and_intensity_softens_the_negation():
    plain, softened = read_words("not sad"), read_words("not too sad")
    assert plain.targets == () and [t.mood for t in plain.avoid] == ["sad"]
    assert plain.avoid[0].weight == 1.0 and softened.avoid[0].weight == 0.5
    assert plain.valence > 0  # away from sadness


def test_contracted_negation():
    reading = read_words("I don’t want anything sad")
    assert [t.mood for t in reading.avoid] == ["sad"] and reading.not_understood == ()


def test_negation_ends_at_but():
    reading = read_words("not sad but hopeful")
    assert [t.mood for t in reading.avoid] == ["sad"] and moods(reading) == ["cheerful"]


def test_intensity_moves_the_point_outwards():
    assert read_words("very energetic").arousal > read_words("energetic").arousal
    assert read_words("slightly melancholic").targets[0].weight < read_words("melancholic").targets[0].weight


def test_unknown_words_are_reported_next_to_what_was_read():
    reading = read_words("calm xqzv")
    assert moods(reading) == ["calm"] and reading.not_understood == ("xqzv",)


@pytest.mark.parametrize("sentence", ["asdf qwerty blorf", "banana", "the and of", "!!!"])
def test_gibberish_is_refused(sentence):
    with pytest.raises(NotUnderstood):
        read_words(sentence)


def test_json_endpoint(client, db):
    ok = client.get("/words/read.json", {"text": "calm but hopeful"})
    assert ok.status_code == 200 and {t["mood"] for t in ok.json()["targets"]} == {"calm", "cheerful"}
    refused = client.get("/words/read.json", {"text": "blorf"})
    assert refused.status_code == 422 and refused.json()["error"]["words"] == ["blorf"]
