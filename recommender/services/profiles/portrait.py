"""The text portrait: several sentences generated from a profile summary, deterministic (no randomness;
ties broken by name), each carrying the moods that produced it so the page can show why it says so.

1. an opening for the prevalent family (the portrait's colour);
2. one trait per characteristic mood: moods heard at least ``TRAIT_LIFT`` times the catalogue's share,
   highest ``share x lift`` (share^2 / prior) first, at most two for the prevalent family and one for
   any other (the portrait is not four ways of saying "calm"), at most ``MAX_TRAITS`` in all;
3. a closing line for the family the listener is furthest *below* the catalogue on, when clearly below.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ml import taxonomy
from recommender.services.profiles.phrases import FAMILY_AVOIDED, FAMILY_OPENINGS, MOOD_TRAITS
from recommender.services.profiles.summary import ProfileSummary

__all__ = ["MAX_TRAITS", "Portrait", "Sentence", "portrait"]

MAX_TRAITS = 5
TRAIT_LIFT = 1.2
"""A mood earns a trait sentence only when the listener hears it at least 20 % more than the catalogue."""
AVOIDED_LIFT = 0.75
"""A family at under three quarters of its catalogue share is one the listener keeps away from."""


@dataclass(frozen=True)
class Sentence:
    text: str
    moods: tuple[str, ...]  # the level-2 moods (or the family) that produced it
    family: str


@dataclass(frozen=True)
class Portrait:
    family: str
    colour: str
    sentences: tuple[Sentence, ...]

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


def portrait(summary: ProfileSummary) -> Portrait | None:
    if summary.prevalent is None:
        return None
    prevalent = summary.prevalent
    opening_moods = _family_moods_present(summary, prevalent.name)
    sentences = [Sentence(FAMILY_OPENINGS[prevalent.name], opening_moods, prevalent.name)]
    ranked = sorted(
        (
            m
            for m, share in summary.mood_share.items()
            if summary.mood_prior[m] > 0 and share / summary.mood_prior[m] >= TRAIT_LIFT
        ),
        key=lambda m: (-(summary.mood_share[m] ** 2) / summary.mood_prior[m], m),
    )
    per_family: Counter[str] = Counter()
    for mood in ranked:
        family = taxonomy.family_of(mood)
        # Two traits for the prevalent family (its moods differ: peaceful is not serene), one for others.
        if per_family[family] >= (2 if family == prevalent.name else 1) or mood not in MOOD_TRAITS:
            continue
        per_family[family] += 1
        sentences.append(Sentence(MOOD_TRAITS[mood], (mood,), family))
        if sum(per_family.values()) == MAX_TRAITS:
            break
    used_families = set(per_family)
    below = [
        f for f in summary.families if f.prior > 0 and f.lift < AVOIDED_LIFT and f.name not in used_families
    ]
    if below:
        lowest = min(below, key=lambda f: (f.lift, f.name))
        sentences.append(Sentence(FAMILY_AVOIDED[lowest.name], (lowest.name,), lowest.name))
    return Portrait(prevalent.name, prevalent.colour, tuple(sentences))


def _family_moods_present(summary: ProfileSummary, family: str) -> tuple[str, ...]:
    moods = [m for m, share in summary.mood_share.items() if share > 0 and taxonomy.family_of(m) == family]
    return tuple(sorted(moods, key=lambda m: (-summary.mood_share[m], m))[:2]) or (family,)
