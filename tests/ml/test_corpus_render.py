"""FluidSynth rendering terminates, has the requested length and ends silent (ml.corpus.render)."""

from __future__ import annotations

import numpy as np
import pretty_midi
import pytest

from ml.corpus.compose import end_all_notes
from ml.corpus.render import RenderError, fluidsynth_available, render_midi

pytestmark = pytest.mark.skipif(
    not fluidsynth_available(), reason="needs `apt-get install fluidsynth fluid-soundfont-gm`"
)


def organ_chord(seconds: float, *, close: bool = True) -> pretty_midi.PrettyMIDI:
    """An organ (sustains forever while held) holding a chord for `seconds`."""
    midi = pretty_midi.PrettyMIDI(initial_tempo=120)
    organ = pretty_midi.Instrument(19)
    organ.notes += [pretty_midi.Note(100, p, 0.0, seconds) for p in (60, 64, 67)]
    midi.instruments.append(organ)
    if close:
        end_all_notes(midi, seconds + 0.5)
    return midi


def test_render_has_the_requested_length_and_is_mono_float():
    wave = render_midi(organ_chord(3.0), duration_s=2.5, timeout_s=30)
    assert wave.dtype == np.float32 and wave.ndim == 1
    assert len(wave) == int(2.5 * 22050)
    assert np.sqrt(np.mean(wave[:22050] ** 2)) > 1e-3


def test_untrimmed_render_terminates_and_ends_silent():
    wave = render_midi(organ_chord(2.0), timeout_s=30)
    assert len(wave) / 22050 < 2.0 + 5.0
    tail = wave[-int(0.2 * 22050) :]
    assert np.max(np.abs(tail)) < 1e-3


def test_render_that_cannot_finish_in_time_raises():
    with pytest.raises(RenderError):
        render_midi(organ_chord(4000.0), timeout_s=1)
