"""Compose a short General MIDI piece whose emotional cues and genre style are controlled.

`compose(cues, style, tonic=..., duration_s=..., rng=...)` returns a `pretty_midi.PrettyMIDI` with a
melody, a chord part, a bass line and (for most styles) drums:

- mode: every pitched note comes from the major or natural-minor scale on `tonic`, except the chromatic
  neighbours and cluster tones that the dissonance cue adds (probability grows with `cues.dissonance`);
- tempo: the grid is laid out at exactly `cues.tempo` BPM (also written as the MIDI tempo);
- loudness: melody velocities centre on `cues.velocity`, accompaniment a little softer;
- articulation: a note sounds for (1 - 0.75 * staccato) of the time to the next onset;
- register: the melody stays within about an octave around `cues.register`;
- rhythmic density and syncopation: melody onsets per beat and the share pushed off the beat.

Phrases repeat 2-bar motifs (A A B A) so the result is music rather than random notes. Every part ends
with sustain-off, all-notes-off and all-sound-off controllers (FluidSynth can otherwise render forever).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pretty_midi

from ml.corpus.cues import Cues, derive_va
from ml.corpus.styles import Style

__all__ = ["MAJOR", "MINOR", "COMP_PATTERNS", "BASS_PATTERNS", "Piece", "compose", "end_all_notes"]

MAJOR = (0, 2, 4, 5, 7, 9, 11)
MINOR = (0, 2, 3, 5, 7, 8, 10)  # natural minor (Aeolian)
SCALES = {"major": MAJOR, "minor": MINOR}

# Chord part rhythms within one 4/4 bar: (onset beat, length in beats, chord tone index or None = all).
COMP_PATTERNS: dict[str, tuple[tuple[float, float, int | None], ...]] = {
    "sustain": ((0, 4, None),),
    "halves": ((0, 2, None), (2, 2, None)),
    "quarters": tuple((i, 1, None) for i in range(4)),
    "strum8": tuple((i / 2, 0.5, None) for i in range(8)),
    "chug16": tuple((i / 4, 0.25, None) for i in range(16)),
    "offbeat": tuple((i + 0.5, 0.5, None) for i in range(4)),
    "charleston": ((0, 0.75, None), (1.5, 0.5, None), (3, 0.5, None)),
    "montuno": ((0, 0.5, 0), (0.5, 0.5, 2), (1, 0.5, 1), (1.5, 0.5, None), (2.5, 0.5, 2), (3, 0.5, 1)),
    "arpeggio": tuple((i / 2, 0.75, (0, 1, 2, 1)[i % 4]) for i in range(8)),
    "fingerpick": tuple((i / 2, 0.75, (0, 2, 1, 2)[i % 4]) for i in range(8)),
}

# Bass rhythms within one bar: (onset beat, length in beats, chord function).
BASS_PATTERNS: dict[str, tuple[tuple[float, float, str], ...]] = {
    "roots_whole": ((0, 4, "root"),),
    "roots_half": ((0, 2, "root"), (2, 2, "fifth")),
    "eighths": tuple((i / 2, 0.5, "root") for i in range(8)),
    "sixteenths": tuple((i / 4, 0.25, "root") for i in range(16)),
    "roots_eighth_push": ((0, 1.5, "root"), (1.5, 0.5, "root"), (2, 1.5, "fifth"), (3.5, 0.5, "root")),
    "offbeat": tuple((i + 0.5, 0.5, "root") for i in range(4)),
    "hiphop": ((0, 1.5, "root"), (1.75, 0.5, "root"), (2.5, 1.5, "fifth")),
    "walking": ((0, 1, "root"), (1, 1, "third"), (2, 1, "fifth"), (3, 1, "approach")),
    "tumbao": ((0, 1.5, "root"), (1.5, 1.5, "fifth"), (3, 1, "root")),
}
_FUNCTION_DEGREE = {"root": 0, "third": 2, "fifth": 4}


@dataclass(frozen=True)
class Piece:
    """A composed piece and what it was made of (recorded in the manifest's `meta`)."""

    midi: pretty_midi.PrettyMIDI
    tonic: int
    programs: dict[str, int]
    progression: tuple[int, ...]
    drums: bool


def _pitch(degree: int, scale: tuple[int, ...], tonic: int) -> int:
    """MIDI pitch class offset of a scale degree (any integer) in octave 0 above `tonic` (C-1 = 0)."""
    return tonic + 12 * (degree // 7) + scale[degree % 7]


def _near(pitch_class_pitch: int, centre: float) -> int:
    """The octave transposition of a pitch closest to `centre`."""
    return int(pitch_class_pitch + 12 * round((centre - pitch_class_pitch) / 12))


def _chromatic(pitch: int, scale: tuple[int, ...], tonic: int, rng: np.random.Generator) -> int:
    """A semitone neighbour of `pitch` outside the scale (falls back to +1 if both neighbours are in it)."""
    in_scale = {(tonic + s) % 12 for s in scale}
    options = [pitch + d for d in (-1, 1) if (pitch + d) % 12 not in in_scale]
    return int(rng.choice(options)) if options else pitch + 1


class _Clock:
    """Beat -> seconds, with swing of off-beat eighths."""

    def __init__(self, tempo: float, swing: float) -> None:
        self.beat = 60.0 / tempo
        self.swing = swing

    def at(self, bar: int, beat: float) -> float:
        frac = beat % 1.0
        swing = self.swing if abs(frac - 0.5) < 1e-6 else 0.0
        return (bar * 4 + beat + swing) * self.beat


def _velocity(base: float, rng: np.random.Generator, accent: bool = False) -> int:
    return int(np.clip(rng.normal(base + (8 if accent else 0), 5), 1, 127))


def _motif(cues: Cues, rng: np.random.Generator) -> tuple[list[int], list[int]]:
    """A 2-bar rhythm (16th steps 0..31) and a contour (scale steps between successive notes)."""
    steps = np.arange(32)
    sync = cues.syncopation
    weight = np.where(
        steps % 4 == 0, 1.6 * (1 - 0.6 * sync), np.where(steps % 2 == 0, 1 + 2 * sync, 0.5 * (1 + 2 * sync))
    )
    p = np.clip(weight * (cues.density * 8) / weight.sum(), 0, 1)
    # A phrase starts on its downbeat and has at least two notes, however sparse the density cue.
    onsets = sorted({0, *(int(s) for s in steps[rng.random(32) < p])})
    if len(onsets) < 2:
        onsets.append(int(rng.choice([8, 12, 16, 24])))
    contour = [int(rng.choice([-2, -1, -1, 0, 1, 1, 2, 3, -3])) for _ in onsets]
    return onsets, contour


def compose(cues: Cues, style: Style, *, tonic: int, duration_s: float, rng: np.random.Generator) -> Piece:
    """Compose `duration_s` seconds of `style` music expressing `cues` in the key of `tonic` (0 = C)."""
    scale = SCALES[cues.mode]
    clock = _Clock(cues.tempo, style.swing)
    bar_s = 4 * clock.beat
    n_bars = math.ceil(duration_s / bar_s) + 1
    progression = style.progressions[int(rng.integers(len(style.progressions)))]
    programs = {
        "lead": int(rng.choice(style.lead)),
        "comp": int(rng.choice(style.comp)),
        "bass": int(rng.choice(style.bass)),
    }
    midi = pretty_midi.PrettyMIDI(initial_tempo=float(cues.tempo))
    lead, comp, bass = (pretty_midi.Instrument(programs[k], name=k) for k in ("lead", "comp", "bass"))
    sound = 1.0 - 0.75 * cues.staccato
    step_s = clock.beat / 4

    def chord_degrees(bar: int) -> list[int]:
        root = progression[bar % len(progression)]
        degrees = [root, root + 2, root + 4]
        if rng.random() < style.sevenths:
            degrees.append(root + 6)
        return degrees

    chords = [chord_degrees(b) for b in range(n_bars)]

    # Melody: motifs A A B A, pitches re-fitted to each bar's chord.
    motifs = [_motif(cues, rng), _motif(cues, rng)]
    lo, hi = cues.register - 8, cues.register + 8
    for pair in range(0, n_bars, 2):
        onsets, contour = motifs[1] if (pair // 2) % 4 == 2 else motifs[0]
        degree = chords[pair][int(rng.integers(len(chords[pair])))]
        while _pitch(degree, scale, 0) + tonic < lo:
            degree += 7
        while _pitch(degree, scale, 0) + tonic > hi:
            degree -= 7
        for i, (step, move) in enumerate(zip(onsets, contour, strict=True)):
            degree += move
            pitch = _pitch(degree, scale, tonic)
            if pitch < lo or pitch > hi:
                degree -= 2 * move
                pitch = _pitch(degree, scale, tonic)
            if rng.random() < 0.5 * cues.dissonance:
                pitch = _chromatic(pitch, scale, tonic, rng)
            next_step = onsets[i + 1] if i + 1 < len(onsets) else 32
            bar, beat = pair + step // 16, (step % 16) / 4
            start = clock.at(bar, beat)
            length = max(0.05, (next_step - step) * step_s * sound)
            lead.notes.append(
                pretty_midi.Note(_velocity(cues.velocity, rng, step % 4 == 0), pitch, start, start + length)
            )

    # Chords.
    comp_centre = float(np.clip(cues.register - 12, 50, 70))
    comp_base = _near(tonic, comp_centre - 6)
    comp_sound = 1.0 if style.comp_pattern == "sustain" else 1.0 - 0.6 * cues.staccato
    for bar in range(n_bars):
        root = chords[bar][0]
        if style.power_chords:
            r = _pitch(
                root, scale, comp_base - 12 if _pitch(root, scale, comp_base) > comp_centre else comp_base
            )
            voicing = [r, r + 7, r + 12]
        else:
            voicing = sorted(_pitch(d, scale, comp_base) for d in chords[bar])
        if rng.random() < cues.dissonance:
            voicing.append(voicing[0] + int(rng.choice([1, 6])))  # minor-second or tritone cluster tone
        for onset, length, which in COMP_PATTERNS[style.comp_pattern]:
            start = clock.at(bar, onset)
            end = start + length * clock.beat * comp_sound
            notes = voicing if which is None else [voicing[which % len(voicing)]]
            for p in notes:
                comp.notes.append(pretty_midi.Note(_velocity(cues.velocity - 12, rng), int(p), start, end))

    # Bass.
    bass_centre = float(np.clip(cues.register - 24, 31, 50))
    for bar in range(n_bars):
        root = chords[bar][0]
        next_root = chords[(bar + 1) % n_bars][0]
        for onset, length, function in BASS_PATTERNS[style.bass_pattern]:
            degree = next_root - 1 if function == "approach" else root + _FUNCTION_DEGREE[function]
            pitch = _near(_pitch(degree, scale, tonic), bass_centre)
            if onset == int(onset) and onset > 0 and rng.random() < 0.5 * cues.syncopation:
                onset -= 0.25  # anticipation: the groove cue
            start = clock.at(bar, onset)
            end = start + max(0.05, length * clock.beat * sound)
            bass.notes.append(pretty_midi.Note(_velocity(cues.velocity - 8, rng), pitch, start, end))

    parts = [lead, comp, bass]
    drum_patterns = list(style.drums)
    pattern = drum_patterns[int(rng.integers(len(drum_patterns)))] if drum_patterns else {}
    if pattern:
        parts.append(_drums(pattern, cues, clock, n_bars, rng))

    for part in parts:
        part.control_changes.append(pretty_midi.ControlChange(91, style.reverb, 0.0))
        part.notes = [
            pretty_midi.Note(n.velocity, n.pitch, n.start, min(n.end, duration_s))
            for n in part.notes
            if n.start < duration_s - 0.05 and 0 <= n.pitch <= 127
        ]
        midi.instruments.append(part)
    end_all_notes(midi, duration_s + 1.0)
    return Piece(midi, tonic, programs, tuple(progression), bool(pattern))


def _drums(
    pattern: dict[int, str], cues: Cues, clock: _Clock, n_bars: int, rng: np.random.Generator
) -> pretty_midi.Instrument:
    kit = pretty_midi.Instrument(0, is_drum=True, name="drums")
    arousal = derive_va(cues)[1]
    # Low-arousal music plays a thinner, softer kit (kick and one voice), as drummers do with brushes.
    keys = list(pattern)[:2] if arousal < -0.3 else list(pattern)
    gain = 0.7 if arousal < -0.3 else 1.0
    for bar in range(n_bars):
        for key in keys:
            for step, hit in enumerate(pattern[key]):
                if hit == ".":
                    continue
                base = (cues.velocity + 10 if hit == "x" else cues.velocity * 0.6) * gain
                start = max(0.0, clock.at(bar, step / 4) + rng.normal(0, 0.004))
                kit.notes.append(pretty_midi.Note(_velocity(base, rng), key, start, start + 0.1))
    return kit


def end_all_notes(midi: pretty_midi.PrettyMIDI, at: float) -> None:
    """Append sustain-off, all-notes-off (123) and all-sound-off (120) to every part at time `at`."""
    for part in midi.instruments:
        for number in (64, 123, 120):
            part.control_changes.append(pretty_midi.ControlChange(number, 0, at))
