"""Composed MIDI follows the requested cues and style (ml.corpus.compose)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from ml.corpus.compose import compose
from ml.corpus.cues import Cues
from ml.corpus.styles import EXCLUDED_PAIRS, STYLES, genres_for_family
from ml.taxonomy import families, genres

BASE = Cues(
    mode="minor",
    tempo=96,
    velocity=70,
    staccato=0.2,
    register=64,
    dissonance=0.0,
    density=2.0,
    syncopation=0.1,
)


def pitched_notes(piece):
    return [n for inst in piece.midi.instruments if not inst.is_drum for n in inst.notes]


def make(cues=BASE, genre="pop", tonic=9, seed=0, duration=12.0):
    return compose(cues, STYLES[genre], tonic=tonic, duration_s=duration, rng=np.random.default_rng(seed))


@pytest.mark.parametrize("genre", ["pop", "classical", "jazz", "folk"])
def test_minor_pieces_use_the_minor_third_of_the_tonic_and_never_the_major_third(genre):
    tonic = 9  # A minor: C (minor third) yes, C# (major third) never
    classes = [n.pitch % 12 for n in pitched_notes(make(genre=genre, tonic=tonic))]
    assert classes.count((tonic + 3) % 12) > 0
    assert classes.count((tonic + 4) % 12) == 0


def test_major_pieces_use_the_major_third_and_never_the_minor_third():
    classes = [n.pitch % 12 for n in pitched_notes(make(replace(BASE, mode="major"), tonic=2))]
    assert classes.count(6) > 0 and classes.count(5) == 0


def test_without_dissonance_every_pitch_is_in_the_scale_and_dissonance_adds_chromatic_notes():
    a_minor = {9, 11, 0, 2, 4, 5, 7}
    clean = [n.pitch % 12 for n in pitched_notes(make())]
    assert set(clean) <= a_minor
    rough = [n.pitch % 12 for n in pitched_notes(make(replace(BASE, dissonance=0.9)))]
    assert sum(p not in a_minor for p in rough) / len(rough) > 0.1


@pytest.mark.parametrize("tempo", [60.0, 97.5, 150.0])
def test_tempo_is_as_asked(tempo):
    piece = make(replace(BASE, tempo=tempo), genre="rock")  # straight (unswung) 16th grid
    _, tempi = piece.midi.get_tempo_changes()
    assert tempi[0] == pytest.approx(tempo)
    sixteenth = 60 / tempo / 4
    onsets = np.array([n.start for inst in piece.midi.instruments for n in inst.notes])
    off_grid = np.abs(onsets / sixteenth - np.round(onsets / sixteenth)) * sixteenth
    assert off_grid.max() < 0.02  # only the drummer's few-ms humanisation


def test_staccato_shortens_notes_relative_to_legato():
    def mean_len(staccato):
        lead = make(replace(BASE, staccato=staccato)).midi.instruments[0]
        return np.mean([n.end - n.start for n in lead.notes])

    assert mean_len(1.0) < 0.5 * mean_len(0.0)


def test_register_and_velocity_follow_the_cues():
    high = make(replace(BASE, register=80, velocity=110)).midi.instruments[0].notes
    low = make(replace(BASE, register=50, velocity=40)).midi.instruments[0].notes
    assert np.mean([n.pitch for n in high]) - np.mean([n.pitch for n in low]) > 20
    assert np.mean([n.velocity for n in high]) - np.mean([n.velocity for n in low]) > 50


def test_density_sets_how_many_melody_notes_there_are():
    sparse = len(make(replace(BASE, density=0.5)).midi.instruments[0].notes)
    dense = len(make(replace(BASE, density=3.5)).midi.instruments[0].notes)
    assert dense > 3 * sparse


def test_every_part_ends_with_all_notes_off_and_all_sound_off_after_the_last_note():
    piece = make(duration=10.0)
    for inst in piece.midi.instruments:
        assert max(n.end for n in inst.notes) <= 10.0
        closing = {cc.number for cc in inst.control_changes if cc.time >= 10.0}
        assert {64, 120, 123} <= closing


def test_every_genre_has_a_style_and_every_family_can_be_played_in_most_genres():
    assert set(STYLES) == set(genres())
    assert all(g in STYLES and any(f.name == fam for f in families()) for g, fam in EXCLUDED_PAIRS)
    assert all(len(genres_for_family(f.name)) >= 8 for f in families())
