"""The small vocabulary the words reader knows besides the taxonomy: situations, modifiers, filler.

Situations ("focus", "workout", "rainy") are not moods, so the taxonomy cannot name them and a sentence
embedding maps them badly (all-MiniLM puts "focus" nearest "exultant"); listeners ask for them all the
time, so each is written down here once, as the level-2 moods it calls for. Words near a situation
("concentration", "gym") still reach it through the embedding model.
"""

from __future__ import annotations

__all__ = ["BOUNDARIES", "FILLER", "INTENSIFIERS", "NEGATIONS", "SCENES", "SOFTENERS"]

SCENES: dict[str, tuple[str, ...]] = {
    "focus": ("calm", "serene"),
    "study": ("calm", "serene"),
    "work": ("calm", "determined"),
    "reading": ("peaceful", "calm"),
    "workout": ("energetic", "determined"),
    "running": ("energetic", "determined"),
    "party": ("euphoric", "groovy"),
    "dance": ("groovy", "euphoric"),
    "sleep": ("peaceful", "dreamy"),
    "night": ("mysterious", "dreamy"),
    "rain": ("melancholic", "calm"),
    "rainy": ("melancholic", "calm"),
    "sunday": ("relaxed", "peaceful"),
    "morning": ("cheerful", "calm"),
    "summer": ("happy", "cheerful"),
    "sunshine": ("happy", "cheerful"),
    "road trip": ("energetic", "happy"),
    "dinner": ("romantic", "laid-back"),
    "date": ("romantic", "sensual"),
    "breakup": ("sad", "lonely"),
    "meditation": ("peaceful", "spiritual"),
    "yoga": ("peaceful", "serene"),
    "cooking": ("cheerful", "groovy"),
    "battle": ("heroic", "aggressive"),
    "horror": ("eerie", "ominous"),
}

NEGATIONS = frozenset({"not", "no", "never", "without", "nothing", "avoid", "less", "nor"})
INTENSIFIERS = {
    "very": 1.5,
    "really": 1.5,
    "extremely": 1.8,
    "super": 1.6,
    "so": 1.4,
    "too": 1.5,
    "incredibly": 1.8,
    "totally": 1.5,
    "highly": 1.5,
    "more": 1.3,
    "most": 1.6,
}
SOFTENERS = {
    "slightly": 0.5,
    "somewhat": 0.6,
    "bit": 0.5,
    "little": 0.5,
    "mildly": 0.5,
    "kinda": 0.6,
    "fairly": 0.7,
    "quite": 0.8,
    "gently": 0.6,
}
BOUNDARIES = frozenset({"but", "and", "yet", "though", "although", "with", "or", "then", "while"})
"""Words that end the reach of a pending "not" or "very" ("not sad but hopeful": hopeful is wanted)."""

FILLER = frozenset(
    """a an the of for to in on at by from into about as is are be being been am was were it its this that
    these those some any something anything me my i we our you your us them they he she his her
    music song songs tune tunes track tracks playlist playlists mix sound sounds sounding vibe vibes
    feel feeling feels want need like please give make play listen listening just kind sort type
    lets let day time some one stuff mood moods while during when after before
    do does did have has get got can could would will should maybe also up
    monday tuesday wednesday thursday friday saturday""".split()
)
"""Words that carry no mood of their own; skipped without counting as "not understood"."""
