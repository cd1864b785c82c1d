"""Mood cues -> valence/arousal and mood labels for rendered music (ml.corpus.cues)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from ml import taxonomy
from ml.corpus.cues import MOOD_PROFILES, Cues, derive_va, expressible_moods, moods_expressed, sample_cues

NEUTRAL = Cues(
    mode="major",
    tempo=100,
    velocity=70,
    staccato=0.5,
    register=62,
    dissonance=0.3,
    density=1.5,
    syncopation=0.1,
)


def test_every_expressible_mood_is_a_taxonomy_mood():
    assert set(expressible_moods()) <= set(taxonomy.mood_by_name())


def test_every_family_is_covered_by_at_least_two_moods():
    per_family = {f.name: 0 for f in taxonomy.families()}
    for mood in expressible_moods():
        per_family[taxonomy.family_of(mood)] += 1
    assert min(per_family.values()) >= 2, per_family


@pytest.mark.parametrize(
    ("cue", "low", "high"),
    [
        ("tempo", 50, 170),
        ("velocity", 30, 120),
        ("density", 0.3, 3.8),
        ("staccato", 0.0, 1.0),
        ("dissonance", 0, 1),
    ],
)
def test_arousal_rises_with_each_arousal_cue(cue, low, high):
    values = np.linspace(low, high, 7)
    arousal = [derive_va(replace(NEUTRAL, **{cue: v}))[1] for v in values]
    assert all(b >= a for a, b in zip(arousal, arousal[1:], strict=False))
    assert arousal[-1] > arousal[0]


@pytest.mark.parametrize(("cue", "low", "high"), [("register", 40, 84), ("tempo", 50, 170)])
def test_valence_rises_with_register_and_tempo(cue, low, high):
    values = np.linspace(low, high, 7)
    valence = [derive_va(replace(NEUTRAL, **{cue: v}))[0] for v in values]
    assert all(b >= a for a, b in zip(valence, valence[1:], strict=False))
    assert valence[-1] > valence[0]


def test_major_mode_and_consonance_raise_valence():
    assert derive_va(NEUTRAL)[0] > derive_va(replace(NEUTRAL, mode="minor"))[0]
    assert derive_va(replace(NEUTRAL, dissonance=0.0))[0] > derive_va(replace(NEUTRAL, dissonance=0.9))[0]


def test_va_stays_in_unit_square_at_the_extremes():
    loud = Cues("major", 400, 127, 1, 120, 1, 10, 1)
    quiet = Cues("minor", 10, 1, 0, 0, 0, 0, 0)
    for cues in (loud, quiet):
        assert all(-1 <= x <= 1 for x in derive_va(cues))


@pytest.mark.parametrize("mood", list(MOOD_PROFILES))
def test_sampled_cues_express_their_mood_and_land_on_its_side_of_valence(mood):
    rng = np.random.default_rng(0)
    samples = [sample_cues(mood, rng) for _ in range(30)]
    assert all(mood in moods_expressed(c) for c in samples)
    target = taxonomy.mood_by_name()[mood]
    mean_valence, mean_arousal = np.mean([derive_va(c) for c in samples], axis=0)
    if abs(target.valence) >= 0.3:
        assert np.sign(mean_valence) == np.sign(target.valence)
    assert abs(mean_arousal - target.arousal) < 0.6


def test_groove_moods_need_syncopation():
    groovy = sample_cues("groovy", np.random.default_rng(1))
    assert "groovy" not in moods_expressed(replace(groovy, syncopation=0.0))
