"""Genre styles for rendered music: General MIDI instrumentation, groove (drum and bass patterns, swing)
and harmony (chord progressions, extensions, power chords) for the 10 genres of ml/taxonomy/genres.json.

Mood cues (tempo, loudness, mode, register, articulation, dissonance, density) come from `cues`, never
from the style, so that any genre can carry any mood family it can sanely carry (`allowed`): the genre
head must learn timbre and groove, the mood head the cues, without one leaking into the other.

Drum patterns are 16-step grids per bar, one string per General MIDI percussion key:
'x' = accent, 'o' = soft hit, '.' = rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Style", "STYLES", "EXCLUDED_PAIRS", "allowed", "genres_for_family"]

# General MIDI percussion keys (channel 10).
KICK, SIDE_STICK, SNARE, CLAP, CLOSED_HAT, PEDAL_HAT, OPEN_HAT = 36, 37, 38, 39, 42, 44, 46
CRASH, RIDE, TAMBOURINE, COWBELL, HI_BONGO, LOW_BONGO, HI_CONGA, LOW_CONGA, CLAVES, SHAKER = (
    49,
    51,
    54,
    56,
    60,
    61,
    63,
    64,
    75,
    70,
)


@dataclass(frozen=True)
class Style:
    """How one genre sounds, independent of mood.

    lead/comp/bass: candidate General MIDI programs (0-based) for melody, chords and bass line.
    comp_pattern/bass_pattern: keys of `compose.COMP_PATTERNS` / `compose.BASS_PATTERNS`.
    drums: alternative 16-step patterns (empty: no drum kit).
    progressions: chord roots as scale degrees (0 = tonic), one chord per bar, looped.
    sevenths: probability that a chord gets its diatonic seventh.
    power_chords: voice chords as root + fifth + octave (rock and metal guitars).
    swing: delay of off-beat eighths as a fraction of a beat (0 = straight, 1/6 = triplet swing).
    reverb: General MIDI reverb send (controller 91).
    """

    name: str
    lead: tuple[int, ...]
    comp: tuple[int, ...]
    bass: tuple[int, ...]
    comp_pattern: str
    bass_pattern: str
    drums: tuple[dict[int, str], ...] = field(default=())
    progressions: tuple[tuple[int, ...], ...] = ((0, 3, 4, 0),)
    sevenths: float = 0.0
    power_chords: bool = False
    swing: float = 0.0
    reverb: int = 40


_ROCK_BEAT = {KICK: "x.......x.x.....", SNARE: "....x.......x...", CLOSED_HAT: "x.x.x.x.x.x.x.x."}
_POP_BEAT = {KICK: "x.....x.x.......", SNARE: "....x.......x...", CLOSED_HAT: "xoxoxoxoxoxoxoxo"}

STYLES: dict[str, Style] = {
    s.name: s
    for s in (
        Style(
            "rock",
            lead=(29, 30, 27),
            comp=(29, 30),
            bass=(33, 34),
            comp_pattern="strum8",
            bass_pattern="eighths",
            drums=(
                _ROCK_BEAT,
                {KICK: "x...x...x...x...", SNARE: "....x.......x...", RIDE: "x.x.x.x.x.x.x.x."},
            ),
            progressions=((0, 3, 4, 3), (0, 6, 3, 0), (0, 4, 5, 3), (0, 3, 0, 4)),
            sevenths=0.05,
            power_chords=True,
        ),
        Style(
            "metal",
            lead=(30, 29),
            comp=(30,),
            bass=(34, 33),
            comp_pattern="chug16",
            bass_pattern="sixteenths",
            drums=(
                {KICK: "xxxxxxxxxxxxxxxx", SNARE: "....x.......x...", CRASH: "x.......x......."},
                {KICK: "x.x.x.x.x.x.x.x.", SNARE: "....x.......x...", CLOSED_HAT: "x.x.x.x.x.x.x.x."},
            ),
            progressions=((0, 5, 6, 0), (0, 3, 5, 4), (0, 0, 5, 6)),
            power_chords=True,
            reverb=30,
        ),
        Style(
            "pop",
            lead=(0, 4, 80, 73),
            comp=(0, 4, 5),
            bass=(33, 38),
            comp_pattern="quarters",
            bass_pattern="roots_eighth_push",
            drums=(
                _POP_BEAT,
                {KICK: "x...x...x...x...", CLAP: "....x.......x...", CLOSED_HAT: "..x...x...x...x."},
            ),
            progressions=((0, 4, 5, 3), (0, 5, 3, 4), (5, 3, 0, 4)),
            sevenths=0.2,
        ),
        Style(
            "electronic",
            lead=(80, 81, 84, 87),
            comp=(89, 90, 81),
            bass=(38, 39),
            comp_pattern="offbeat",
            bass_pattern="offbeat",
            drums=(
                {KICK: "x...x...x...x...", CLAP: "....x.......x...", OPEN_HAT: "..x...x...x...x."},
                {KICK: "x...x...x...x...", SNARE: "....x.......x...", CLOSED_HAT: "oooooooooooooooo"},
            ),
            progressions=((0, 5, 3, 4), (0, 0, 5, 5), (5, 3, 0, 4)),
            sevenths=0.3,
            reverb=60,
        ),
        Style(
            "hip-hop",
            lead=(4, 11, 0, 48),
            comp=(4, 0, 48),
            bass=(38, 33),
            comp_pattern="halves",
            bass_pattern="hiphop",
            drums=(
                {KICK: "x......x..x.....", SNARE: "....x.......x...", CLOSED_HAT: "x.x.x.x.x.x.x.x."},
                {KICK: "x.x.......x..x..", CLAP: "....x.......x...", CLOSED_HAT: "xxxxxxxxxxxxxxxx"},
            ),
            progressions=((0, 5, 0, 5), (0, 3, 0, 3), (1, 4, 0, 0), (0, 5, 3, 4)),
            sevenths=0.6,
            swing=0.12,
            reverb=30,
        ),
        Style(
            "jazz",
            lead=(65, 66, 56, 11, 26),
            comp=(0, 26),
            bass=(32,),
            comp_pattern="charleston",
            bass_pattern="walking",
            drums=({RIDE: "x...x.x.x...x.x.", PEDAL_HAT: "....x.......x...", KICK: "o.......o......."},),
            progressions=((1, 4, 0, 0), (0, 5, 1, 4), (2, 5, 1, 4)),
            sevenths=0.9,
            swing=1 / 6,
        ),
        Style(
            "classical",
            lead=(40, 73, 68, 71, 60, 0),
            comp=(48, 49, 0, 46),
            bass=(42, 43, 48),
            comp_pattern="arpeggio",
            bass_pattern="roots_half",
            progressions=((0, 3, 4, 0), (0, 4, 5, 3), (0, 1, 4, 0), (0, 5, 3, 4)),
            sevenths=0.15,
            reverb=70,
        ),
        Style(
            "folk",
            lead=(110, 73, 22, 21, 105),
            comp=(25, 24),
            bass=(32,),
            comp_pattern="fingerpick",
            bass_pattern="roots_half",
            drums=({KICK: "x.......x.......", TAMBOURINE: "....x.......x..."}, {}),
            progressions=((0, 3, 0, 4), (0, 0, 3, 4), (0, 4, 3, 0)),
            sevenths=0.05,
        ),
        Style(
            "latin",
            lead=(56, 0, 12, 24, 21),
            comp=(0, 24),
            bass=(32, 33),
            comp_pattern="montuno",
            bass_pattern="tumbao",
            drums=(
                {
                    CLAVES: "x..x..x...x.x...",
                    LOW_CONGA: "......x.......x.",
                    HI_CONGA: "..x.x.....x.x...",
                    COWBELL: "x...x...x...x...",
                },
                {KICK: "x..x....x..x....", HI_BONGO: "x.x.x.x.x.x.x.x.", SHAKER: "oxoxoxoxoxoxoxox"},
            ),
            progressions=((0, 3, 4, 4), (0, 4, 4, 0), (0, 6, 5, 4)),
            sevenths=0.4,
        ),
        Style(
            "ambient",
            lead=(88, 94, 8, 52, 91),
            comp=(89, 95, 92, 52),
            bass=(89, 95),
            comp_pattern="sustain",
            bass_pattern="roots_whole",
            progressions=((0, 0, 3, 3), (0, 5, 0, 5), (0, 2, 3, 0)),
            sevenths=0.5,
            reverb=110,
        ),
    )
}

# Genre x mood-family pairs no musician would play on purpose; every other pair is generated.
EXCLUDED_PAIRS: frozenset[tuple[str, str]] = frozenset(
    {
        ("metal", "calm"),
        ("metal", "tender"),
        ("ambient", "aggressive"),
        ("ambient", "groovy"),
        ("classical", "groovy"),
    }
)


def allowed(genre: str, family: str) -> bool:
    return (genre, family) not in EXCLUDED_PAIRS


def genres_for_family(family: str) -> tuple[str, ...]:
    return tuple(g for g in STYLES if allowed(g, family))
