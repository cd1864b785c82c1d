"""The mood taxonomy (3 levels, GEMS-grounded, valence/arousal) and the genre hierarchy as data."""

from __future__ import annotations

import json
import re

import pytest

from ml import taxonomy

HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
NAME = re.compile(r"^[a-z][a-z -]*[a-z]$")


def all_names() -> list[str]:
    """Every name at every level, except level-1 names that equal their prototype mood."""
    mood_names = {m.name for m in taxonomy.moods()}
    fams = [f.name for f in taxonomy.families() if f.name not in mood_names]
    return fams + [m.name for m in taxonomy.moods()] + [w.name for w in taxonomy.words()]


def test_three_levels_with_ten_families_of_four_moods_and_hundreds_of_words():
    fams = taxonomy.families()
    assert len(fams) == 10
    assert all(len(f.moods) == 4 for f in fams)
    assert all(len(m.words) >= 5 for m in taxonomy.moods())
    assert len(taxonomy.words()) >= 220
    assert len(fams) + len(taxonomy.moods()) + len(taxonomy.words()) >= 270


def test_the_level_one_and_level_two_names_other_engineers_use_are_unchanged():
    assert [f.name for f in taxonomy.families()] == [
        "joyful", "powerful", "tense", "aggressive", "dark", "sad", "tender", "calm", "dreamy", "groovy",
    ]  # fmt: skip
    assert {"happy", "energetic", "anxious", "angry", "ominous", "melancholic", "romantic", "serene",
            "ethereal", "laid-back"} <= set(taxonomy.mood_by_name())  # fmt: skip


def test_every_name_appears_once_across_all_levels():
    names = all_names()
    duplicates = sorted({n for n in names if names.count(n) > 1})
    assert duplicates == []


def test_names_are_lowercase_words():
    bad = [n for n in all_names() if not NAME.match(n)]
    assert bad == []


def test_every_word_maps_to_an_existing_mood_and_family():
    families = {f.name for f in taxonomy.families()}
    for word in taxonomy.words():
        mood = taxonomy.mood_by_name()[word.mood]
        assert word in mood.words
        assert taxonomy.family_of(word.mood) in families


def test_coordinates_are_in_range_and_words_sit_near_but_not_on_their_mood():
    for mood in taxonomy.moods():
        assert -1.0 <= mood.valence <= 1.0 and -1.0 <= mood.arousal <= 1.0
        for word in mood.words:
            assert -1.0 <= word.valence <= 1.0 and -1.0 <= word.arousal <= 1.0, word
            assert (word.valence, word.arousal) != (mood.valence, mood.arousal), word
            distance = ((word.valence - mood.valence) ** 2 + (word.arousal - mood.arousal) ** 2) ** 0.5
            assert distance <= 0.5, word


def test_moods_fall_in_the_quadrant_their_family_describes():
    quadrant = {  # (valence sign, arousal sign) of Russell's circumplex; 0 = either
        "joyful": (1, 1), "powerful": (1, 1), "tense": (-1, 1), "aggressive": (-1, 1), "dark": (-1, 0),
        "sad": (-1, -1), "tender": (1, -1), "calm": (1, -1), "dreamy": (1, 0), "groovy": (1, 0),
    }  # fmt: skip
    for fam in taxonomy.families():
        v_sign, a_sign = quadrant[fam.name]
        for mood in fam.moods:
            assert mood.valence * v_sign > 0, mood
            assert a_sign == 0 or mood.arousal * a_sign > 0, mood


def test_colours_are_valid_and_distinct_hex():
    colours = [f.colour for f in taxonomy.families()]
    assert all(HEX_COLOUR.match(c) for c in colours)
    assert len({c.lower() for c in colours}) == len(colours)


def test_families_map_to_gems_factors_and_the_superfactor_of_the_primary_one():
    factors = taxonomy.gems_factors()
    assert len(factors) == 9 and set(factors.values()) == {"sublimity", "vitality", "unease"}
    for fam in taxonomy.families():
        assert fam.gems and set(fam.gems) <= set(factors), fam.name
        assert fam.superfactor == factors[fam.gems[0]], fam.name
        assert fam.description.strip()
    covered = {g for f in taxonomy.families() for g in f.gems}
    assert covered == set(factors)


def test_word_sources_name_declared_vocabularies():
    declared = set(json.loads((taxonomy.DATA_DIR / "moods.json").read_text())["sources"])
    used = {s for w in taxonomy.words() for s in w.sources}
    assert used == declared
    assert sum(1 for w in taxonomy.words() if w.sources) >= len(taxonomy.words()) / 2


@pytest.mark.parametrize(
    ("term", "mood"),
    [("bittersweet", "melancholic"), ("Wistful", "melancholic"), ("  in   love ", "romantic"),
     ("sad", "sad"), ("laid-back", "laid-back"), ("menacing", "ominous"), ("soothed", "calm")],
)  # fmt: skip
def test_resolve_maps_a_word_or_mood_name_to_its_level_two_mood(term, mood):
    assert taxonomy.resolve(term).name == mood


def test_resolve_covers_every_word_and_mood():
    for word in taxonomy.words():
        assert taxonomy.resolve(word.name).name == word.mood
    for mood in taxonomy.moods():
        assert taxonomy.resolve(mood.name) is mood


def test_resolve_rejects_unknown_terms_by_name():
    with pytest.raises(KeyError, match="flabbergasted"):
        taxonomy.resolve("flabbergasted")
    with pytest.raises(KeyError):
        taxonomy.resolve("joyful")  # a family, not a mood: family scores are derived, never resolved to


def test_ten_genres_each_with_three_to_six_described_subgenres():
    tree = taxonomy.genre_tree()
    assert [g.name for g in tree] == [
        "rock", "metal", "pop", "electronic", "hip-hop", "jazz", "classical", "folk", "latin", "ambient",
    ]  # fmt: skip
    for genre in tree:
        assert genre.description.strip()
        assert 3 <= len(genre.subgenres) <= 6, genre.name
        assert all(s.description.strip() and s.genre == genre.name for s in genre.subgenres)


def test_genre_and_subgenre_names_are_unique():
    names = [g.name for g in taxonomy.genre_tree()] + [
        s.name for g in taxonomy.genre_tree() for s in g.subgenres
    ]
    assert len(names) == len(set(names))
    assert all(NAME.match(n) for n in names)


def test_genres_keeps_its_name_to_subgenre_names_shape():
    assert taxonomy.genres()["jazz"] == tuple(s.name for s in taxonomy.genre_tree()[5].subgenres)
    assert list(taxonomy.genres()) == [g.name for g in taxonomy.genre_tree()]
