"""Words to generator settings: what the /mix/ page's sliders become when a sentence is read.

The page weighs level-1 families (0-100) and aims at a valence/arousal point (-100..100), while
:func:`recommender.services.words.read_words` answers level-2 moods: a family's slider is the sum of its
wanted moods' weights, scaled so the strongest family is at 100; avoided moods are shown, and their
families stay at 0 unless something else in the sentence asks for them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass

from recommender.services.layout import layout
from recommender.services.words import NotUnderstood, WordsReading, read_words

__all__ = ["NotUnderstood", "OnlyAvoid", "WordsMix", "mix_from_words"]

SLIDER_MAX = 100


class OnlyAvoid(NotUnderstood):
    """The sentence was read, but only as moods to avoid ("not sad"): nothing to set the sliders to."""

    def __init__(self, reading: WordsReading) -> None:
        ValueError.__init__(
            self,
            f"Read {reading.text!r} only as moods to avoid ("
            + ", ".join(t.mood for t in reading.avoid)
            + "): say what you would like to hear instead.",
        )
        self.words = reading.not_understood
        self.reading = reading


@dataclass(frozen=True)
class WordsMix:
    reading: WordsReading
    families: dict[str, int]
    """Every family of the layout -> its slider value, 0..100."""
    valence: int
    arousal: int

    def as_dict(self) -> dict:
        return {**asdict(self), "reading": self.reading.as_dict()}


def mix_from_words(text: str) -> WordsMix:
    """The sliders for ``text``; :class:`NotUnderstood` when nothing in it names or suggests a mood, or
    when it only says what to avoid (the page has nothing to aim at then)."""
    reading = read_words(text)
    sums: dict[str, float] = defaultdict(float)
    for target in reading.targets:
        sums[target.family] += target.weight
    if not sums:
        raise OnlyAvoid(reading)
    top = max(sums.values())
    families = {f: round(SLIDER_MAX * sums.get(f, 0.0) / top) for f in layout().families}
    return WordsMix(
        reading=reading,
        families=families,
        valence=round(SLIDER_MAX * reading.valence),
        arousal=round(SLIDER_MAX * reading.arousal),
    )
