"""Musical cues that carry perceived emotion, and the moods a cue profile expresses.

The corpus controls the cues that music psychology links most consistently to perceived emotion
(Juslin & Laukka 2003, "Communication of emotions in vocal expression and music performance",
Psychological Bulletin 129(5), Table 11; Gabrielsson & Lindstrom 2010, "The role of structure in the
musical expression of emotions", Handbook of Music and Emotion, ch. 14):

- arousal rises with tempo, loudness (velocity), rhythmic density, staccato articulation and dissonance;
- valence rises with major mode, consonance, higher register and faster tempo.

`derive_va` turns sampled cue values into valence/arousal with a fixed, documented linear formula (weights
ordered by the reported effect sizes: tempo and loudness dominate arousal, mode dominates valence).
`MOOD_PROFILES` gives, for each level-2 mood the corpus can express, the cue ranges that express it;
a piece is labelled with EVERY expressible mood whose profile contains its sampled cues (multi-label), so
the labels follow the cues, not the generator's intention alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "Cues",
    "MoodProfile",
    "MOOD_PROFILES",
    "CORE_MOODS",
    "ADDED_MOODS",
    "expressible_moods",
    "derive_va",
    "moods_expressed",
    "sample_cues",
]

MODES = ("major", "minor")

# Normalisation ranges of the continuous cues: the value maps to 0 at the low end, 1 at the high end.
TEMPO_RANGE = (45.0, 180.0)  # beats per minute
VELOCITY_RANGE = (25.0, 127.0)  # mean MIDI velocity of the melody
REGISTER_RANGE = (36.0, 88.0)  # centre MIDI pitch of the melody
DENSITY_RANGE = (0.25, 4.0)  # melody onsets per beat

# derive_va weights. Each sums to 1 so the weighted cue mean lies in [0, 1] before the affine map.
AROUSAL_WEIGHTS = {"tempo": 0.35, "velocity": 0.30, "density": 0.15, "staccato": 0.10, "dissonance": 0.10}
VALENCE_WEIGHTS = {"major": 0.50, "consonance": 0.25, "register": 0.15, "tempo": 0.10}
# The weighted cue mean m in [0, 1] maps to VA = clip(scale * (2m - 1) + offset, -1, 1). Scale and offset
# were fitted once by least squares so that pieces sampled from each profile land, on average, near their
# mood's ml.taxonomy coordinates (the cue ranges of calm-to-tender music sit low on every arousal cue, so the
# raw mean under-states arousal); they are frozen constants, not refitted per build.
VALENCE_SCALE, VALENCE_OFFSET = 0.8, 0.0
AROUSAL_SCALE, AROUSAL_OFFSET = 1.1, 0.4


@dataclass(frozen=True)
class Cues:
    """The sampled cue values of one rendered piece.

    staccato: 0 = legato (notes sound for their whole inter-onset interval) .. 1 = staccato (25% of it).
    dissonance: 0 = diatonic only .. 1 = frequent chromatic neighbours and cluster tones in chords.
    syncopation: 0 = onsets on strong beats .. 1 = onsets pushed onto off-beats (groove); not a VA cue.
    """

    mode: str
    tempo: float
    velocity: float
    staccato: float
    register: float
    dissonance: float
    density: float
    syncopation: float

    def to_dict(self) -> dict[str, float | str]:
        return {k: (v if isinstance(v, str) else round(float(v), 4)) for k, v in self.__dict__.items()}


def _unit(value: float, lo_hi: tuple[float, float]) -> float:
    lo, hi = lo_hi
    return float(np.clip((value - lo) / (hi - lo), 0.0, 1.0))


def derive_va(cues: Cues) -> tuple[float, float]:
    """Valence and arousal in [-1, 1] from cue values (formula in the module docstring and docs/corpus.md).

    arousal = clip(1.1 * (2 * A - 1) + 0.4), A = .35 tempo + .30 velocity + .15 density + .10 staccato
                                              + .10 dissonance
    valence = clip(0.8 * (2 * V - 1)),       V = .50 major + .25 (1 - dissonance) + .15 register + .10 tempo
    with every cue normalised to [0, 1] by the ranges above. Each term is monotonic in its cue.
    """
    tempo = _unit(cues.tempo, TEMPO_RANGE)
    arousal_terms = {
        "tempo": tempo,
        "velocity": _unit(cues.velocity, VELOCITY_RANGE),
        "density": _unit(cues.density, DENSITY_RANGE),
        "staccato": float(np.clip(cues.staccato, 0, 1)),
        "dissonance": float(np.clip(cues.dissonance, 0, 1)),
    }
    valence_terms = {
        "major": 1.0 if cues.mode == "major" else 0.0,
        "consonance": 1.0 - float(np.clip(cues.dissonance, 0, 1)),
        "register": _unit(cues.register, REGISTER_RANGE),
        "tempo": tempo,
    }
    arousal = sum(AROUSAL_WEIGHTS[k] * v for k, v in arousal_terms.items())
    valence = sum(VALENCE_WEIGHTS[k] * v for k, v in valence_terms.items())
    return (
        float(np.clip(VALENCE_SCALE * (2 * valence - 1) + VALENCE_OFFSET, -1, 1)),
        float(np.clip(AROUSAL_SCALE * (2 * arousal - 1) + AROUSAL_OFFSET, -1, 1)),
    )


Range = tuple[float, float]
_STRAIGHT: Range = (0.0, 0.25)  # syncopation range of every mood outside the groovy family


@dataclass(frozen=True)
class MoodProfile:
    """Cue ranges (inclusive) that express one level-2 mood."""

    mood: str
    modes: tuple[str, ...]
    tempo: Range
    velocity: Range
    staccato: Range
    register: Range
    dissonance: Range
    density: Range
    syncopation: Range = _STRAIGHT

    def contains(self, cues: Cues) -> bool:
        ranges = ("tempo", "velocity", "staccato", "register", "dissonance", "density", "syncopation")
        return cues.mode in self.modes and all(
            getattr(self, k)[0] <= getattr(cues, k) <= getattr(self, k)[1] for k in ranges
        )


def _p(mood, modes, tempo, velocity, staccato, register, dissonance, density, sync=_STRAIGHT) -> MoodProfile:
    modes = (modes,) if isinstance(modes, str) else modes
    return MoodProfile(mood, modes, tempo, velocity, staccato, register, dissonance, density, sync)


_BOTH = ("major", "minor")
# mood: modes, tempo BPM, velocity, staccato, register (MIDI), dissonance, density (onsets/beat), syncopation
MOOD_PROFILES: dict[str, MoodProfile] = {
    p.mood: p
    for p in (
        # joyful
        _p("happy", "major", (110, 135), (75, 95), (0.3, 0.6), (64, 74), (0, 0.15), (1, 2)),
        _p("cheerful", "major", (100, 125), (65, 85), (0.35, 0.65), (62, 72), (0, 0.15), (1, 2)),
        _p("playful", "major", (115, 150), (55, 80), (0.65, 1), (68, 80), (0, 0.25), (1.5, 3)),
        _p("euphoric", "major", (125, 160), (95, 120), (0.2, 0.5), (64, 78), (0, 0.15), (2, 4)),
        # powerful
        _p("energetic", _BOTH, (135, 170), (100, 120), (0.45, 0.8), (52, 66), (0.1, 0.3), (2, 4)),
        _p("triumphant", "major", (90, 120), (100, 124), (0.1, 0.4), (58, 70), (0, 0.12), (0.5, 1.5)),
        _p("determined", _BOTH, (90, 120), (85, 105), (0.3, 0.6), (50, 62), (0.1, 0.3), (1, 2)),
        # tense
        _p("tense", "minor", (100, 135), (65, 90), (0.5, 0.85), (55, 68), (0.5, 0.8), (2, 3.5)),
        _p("anxious", "minor", (120, 150), (50, 75), (0.6, 1), (66, 80), (0.4, 0.7), (3, 4)),
        _p("agitated", "minor", (130, 160), (85, 110), (0.6, 0.95), (58, 72), (0.4, 0.7), (3, 4)),
        _p("suspenseful", "minor", (70, 100), (45, 70), (0.3, 0.7), (46, 58), (0.5, 0.8), (0.5, 1.5)),
        # aggressive
        _p("aggressive", "minor", (140, 175), (110, 127), (0.5, 0.85), (40, 54), (0.4, 0.7), (2, 4)),
        _p("angry", "minor", (130, 165), (112, 127), (0.65, 1), (44, 58), (0.6, 0.9), (3, 4)),
        # dark
        _p("dark", "minor", (50, 72), (50, 75), (0, 0.3), (36, 48), (0.3, 0.55), (0.25, 1)),
        _p("ominous", "minor", (60, 84), (72, 95), (0.2, 0.5), (36, 48), (0.5, 0.8), (0.5, 1)),
        _p("eerie", "minor", (50, 72), (30, 55), (0, 0.3), (74, 88), (0.6, 0.9), (0.25, 0.75)),
        _p("mysterious", "minor", (60, 84), (38, 58), (0, 0.25), (56, 70), (0.3, 0.5), (0.5, 1)),
        # sad
        _p("sad", "minor", (50, 68), (35, 55), (0, 0.2), (52, 64), (0.1, 0.3), (0.25, 1)),
        _p("melancholic", "minor", (60, 85), (45, 68), (0, 0.3), (56, 68), (0.1, 0.3), (0.5, 1.5)),
        _p("mournful", "minor", (45, 60), (30, 50), (0, 0.15), (44, 56), (0.15, 0.35), (0.25, 0.75)),
        # tender
        _p("tender", "major", (60, 84), (35, 58), (0, 0.2), (60, 72), (0, 0.15), (0.5, 1.5)),
        _p("romantic", "major", (65, 90), (50, 72), (0, 0.2), (58, 70), (0.1, 0.25), (0.5, 1.5)),
        _p("nostalgic", "major", (70, 95), (45, 65), (0, 0.3), (55, 66), (0.15, 0.3), (0.5, 1.5)),
        # calm
        _p("calm", "major", (55, 75), (30, 50), (0, 0.15), (55, 68), (0, 0.1), (0.25, 0.75)),
        _p("peaceful", "major", (50, 70), (28, 45), (0, 0.1), (60, 72), (0, 0.1), (0.25, 0.75)),
        _p("serene", "major", (45, 65), (25, 42), (0, 0.1), (66, 78), (0, 0.1), (0.25, 0.5)),
        # dreamy
        _p("dreamy", "major", (60, 85), (38, 58), (0, 0.15), (68, 80), (0.15, 0.35), (0.5, 1.5)),
        _p("ethereal", "major", (50, 70), (28, 48), (0, 0.1), (74, 88), (0.2, 0.4), (0.25, 0.75)),
        _p("wondrous", "major", (85, 110), (65, 85), (0.2, 0.5), (64, 78), (0.1, 0.3), (1, 2)),
        # groovy: the only profiles with syncopated onsets
        _p("groovy", "major", (90, 115), (70, 95), (0.4, 0.7), (48, 62), (0.1, 0.3), (1.5, 3), (0.5, 0.9)),
        _p("funky", _BOTH, (100, 125), (82, 105), (0.6, 0.9), (48, 62), (0.2, 0.35), (2, 4), (0.65, 1)),
        _p("laid-back", "major", (70, 92), (50, 70), (0.2, 0.5), (50, 64), (0.1, 0.3), (1, 2), (0.4, 0.8)),
        _p("sensual", _BOTH, (65, 85), (45, 65), (0, 0.2), (55, 67), (0.15, 0.35), (0.5, 1.5), (0.35, 0.7)),
        # Added for moodmix-v2.2 (ADDED_MOODS): each sits beside its family's neighbours and differs from
        # them in the cue the literature ties it to. heroic: triumphant's loud consonant major, but lower
        # (brass) and busier; rebellious: punk's fast, loud, rough drive in either mode, less dark than
        # angry; fierce: the fastest, loudest, darkest attack; lonely: a sparse, soft, high minor line;
        # sentimental: tender's consonance softened by more passing chromaticism; relaxed: calm but a
        # little livelier and detached; spiritual: slow, legato, low and consonant (chorale, organ).
        _p("heroic", "major", (105, 135), (95, 120), (0.2, 0.5), (50, 62), (0, 0.15), (1.5, 3)),
        _p("rebellious", _BOTH, (145, 175), (95, 118), (0.5, 0.85), (50, 64), (0.3, 0.55), (2, 4)),
        _p("fierce", "minor", (150, 180), (112, 127), (0.4, 0.7), (44, 56), (0.3, 0.55), (3, 4)),
        _p("lonely", "minor", (48, 66), (25, 45), (0, 0.2), (58, 72), (0.15, 0.35), (0.25, 0.6)),
        _p("sentimental", "major", (60, 82), (42, 62), (0, 0.2), (54, 66), (0.2, 0.4), (0.5, 1.5)),
        _p("relaxed", "major", (58, 78), (30, 50), (0.1, 0.3), (52, 64), (0, 0.15), (0.5, 1.25)),
        _p("spiritual", "major", (50, 70), (45, 68), (0, 0.1), (44, 58), (0, 0.15), (0.25, 0.6)),
    )
}
# The moods the first corpus expressed (moodmix-v1 to v2.1): rendered pieces cycle through these, so a
# piece keeps its cues, notes and audio whatever moods are added later. ADDED_MOODS get their own pieces.
CORE_MOODS: tuple[str, ...] = tuple(MOOD_PROFILES)[:33]
ADDED_MOODS: tuple[str, ...] = tuple(MOOD_PROFILES)[33:]


def expressible_moods() -> tuple[str, ...]:
    """The level-2 moods the rendered corpus can label (a subset of ml.taxonomy's moods)."""
    return tuple(MOOD_PROFILES)


def sample_cues(mood: str, rng: np.random.Generator) -> Cues:
    """Draw cue values uniformly inside `mood`'s profile."""
    p = MOOD_PROFILES[mood]

    def draw(r: Range) -> float:
        return float(rng.uniform(*r))

    return Cues(
        mode=str(rng.choice(p.modes)),
        tempo=draw(p.tempo),
        velocity=draw(p.velocity),
        staccato=draw(p.staccato),
        register=draw(p.register),
        dissonance=draw(p.dissonance),
        density=draw(p.density),
        syncopation=draw(p.syncopation),
    )


def moods_expressed(cues: Cues) -> list[str]:
    """Every expressible mood whose cue profile contains `cues`, in profile order."""
    return [name for name, profile in MOOD_PROFILES.items() if profile.contains(cues)]
