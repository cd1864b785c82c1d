"""Playlists from words: a sentence ("rainy Sunday, calm but hopeful") read as mood targets.

Reading, left to right, clause by clause:

1. a taxonomy name (level-1 family, level-2 mood, level-3 word; see docs/taxonomy.md) is a target, at the
   valence/arousal of the name itself (a word is more precise than its mood);
2. a situation of ``words_lexicon.SCENES`` ("focus", "workout") stands for its moods;
3. any other word the tokenizer knows is embedded (all-MiniLM-L6-v2, ``words_embedding``) and mapped to
   the nearest taxonomy name or situation when it is close enough ("hopeful" -> optimistic,
   "gym" -> workout); otherwise it is reported as not understood;
4. "not"/"no"/"without" turn the next target into something to avoid; "very" and "a bit" scale it. "not
   too sad" avoids only strong sadness (half weight), "not sad" avoids it fully.

The result names the level-2 moods to aim for and to avoid, with weights, and one valence/arousal point.
A sentence with nothing to read raises :class:`NotUnderstood` listing the words that were not understood.
Plain Python on ``ml.taxonomy`` (no Django), so the playlist page, the partner API and tests share it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from functools import cache

from ml import taxonomy
from recommender.services import words_embedding
from recommender.services.words_lexicon import (
    BOUNDARIES,
    FILLER,
    INTENSIFIERS,
    NEGATIONS,
    SCENES,
    SOFTENERS,
)

__all__ = ["MoodTarget", "NotUnderstood", "WordsReading", "read_words"]

MATCH_THRESHOLD = 0.45
"""Cosine similarity from which an unknown word counts as meaning a taxonomy name or situation: on the
test sentences true matches score 0.50-0.60 ("workout" -> vigorous 0.52), nonsense stays under 0.40."""
MAX_TEXT = 300
MAX_PHRASE = 2
NEGATED_INTENSE_WEIGHT = 0.5
"""Weight of "not too X" / "not very X": a little X is fine, a lot is not."""
_TOKEN = re.compile(r"[a-z]+(?:[-'][a-z]+)*|[,.;:!?]")


@dataclass(frozen=True)
class MoodTarget:
    """A level-2 mood the sentence asks for (or to avoid), how strongly, and from which words."""

    mood: str
    family: str
    colour: str
    weight: float
    matched: tuple[str, ...]


@dataclass(frozen=True)
class WordsReading:
    text: str
    targets: tuple[MoodTarget, ...]
    avoid: tuple[MoodTarget, ...]
    valence: float
    arousal: float
    not_understood: tuple[str, ...] = ()
    readings: tuple[str, ...] = field(default=())
    """Human lines, e.g. "hopeful ~ optimistic (cheerful)", shown on the page so the listener can adjust."""

    def as_dict(self) -> dict:
        return asdict(self)


class NotUnderstood(ValueError):
    def __init__(self, text: str, words: tuple[str, ...]) -> None:
        shown = ", ".join(words) if words else "nothing to go on"
        super().__init__(f"Could not read any mood in {text!r} (not understood: {shown}).")
        self.words = words


@dataclass(frozen=True)
class _Term:
    """Something a word resolved to: level-2 moods with the point in the circumplex it sits at."""

    label: str
    moods: tuple[str, ...]
    valence: float
    arousal: float


@dataclass
class _Hit:
    term: _Term
    weight: float
    words: str


def read_words(text: str) -> WordsReading:
    """Mood targets of ``text``; :class:`NotUnderstood` when no word of it names or suggests a mood."""
    text = text.strip()[:MAX_TEXT]
    hits, unknown, readings = _scan(_tokens(text))
    if not hits:
        raise NotUnderstood(text, tuple(unknown))
    return _combine(text, hits, tuple(unknown), tuple(readings))


def _tokens(text: str) -> list[str]:
    text = text.lower().replace("’", "'").replace("n't", " not")
    return _TOKEN.findall(text)


def _scan(tokens: list[str]) -> tuple[list[_Hit], list[str], list[str]]:
    hits, unknown, readings = [], [], []
    negated, scale, i, modifiers = False, 1.0, 0, []
    while i < len(tokens):
        token = tokens[i]
        if not token[0].isalpha() or token in BOUNDARIES:
            negated, scale, i, modifiers = False, 1.0, i + 1, []
            continue
        if token in NEGATIONS:
            negated, i = True, i + 1
            modifiers.append(token)
            continue
        if token in INTENSIFIERS or token in SOFTENERS:
            scale *= INTENSIFIERS.get(token) or SOFTENERS[token]
            i += 1
            modifiers.append(token)
            continue
        term, used, how = _lookup(tokens, i)
        if term is None:
            if token not in FILLER:
                unknown.append(token)
            i += 1
            continue
        weight = scale
        if negated:
            weight = -(NEGATED_INTENSE_WEIGHT if scale > 1.0 else 1.0)
        words = " ".join(tokens[i : i + used])
        hits.append(_Hit(term, weight, words))
        wanted = "avoid" if negated else "want"
        readings.append(f"{' '.join([*modifiers, words])}{how}: {wanted} {', '.join(term.moods)}")
        negated, scale, i, modifiers = False, 1.0, i + used, []
    return hits, unknown, readings


def _lookup(tokens: list[str], i: int) -> tuple[_Term | None, int, str]:
    lexicon = _lexicon()
    for length in range(MAX_PHRASE, 0, -1):  # longest first: "road trip", "laid back", "in love"
        phrase = " ".join(tokens[i : i + length])
        for candidate in (phrase, phrase.replace(" ", "-")):
            if length <= len(tokens) - i and candidate in lexicon:
                return lexicon[candidate], length, ""
    word = tokens[i]
    if word in FILLER or len(word) < 3:
        return None, 1, ""
    if not words_embedding.known_word(word) and not words_embedding.known_word(word.rstrip("s")):
        return None, 1, ""  # letters the tokenizer had to split: not a word it knows, so no guess
    anchors = words_embedding.anchors_for(tuple(sorted(lexicon)))
    name, similarity = anchors.nearest(word)
    if similarity < MATCH_THRESHOLD:
        return None, 1, ""
    return lexicon[name], 1, f" ~ {name}"


@cache
def _lexicon() -> dict[str, _Term]:
    """Every name the reader knows -> its term. Families stand for their prototype mood (the mood that
    shares their name, else their first)."""
    moods = taxonomy.mood_by_name()
    lexicon: dict[str, _Term] = {}
    for mood in taxonomy.moods():
        lexicon[mood.name] = _Term(mood.name, (mood.name,), mood.valence, mood.arousal)
        for word in mood.words:
            lexicon[word.name] = _Term(word.name, (mood.name,), word.valence, word.arousal)
    for family in taxonomy.families():
        if family.name not in lexicon:
            proto = moods.get(family.name) or family.moods[0]
            lexicon[family.name] = _Term(family.name, (proto.name,), proto.valence, proto.arousal)
    for scene, names in SCENES.items():
        members = [moods[name] for name in names]
        lexicon[scene] = _Term(
            scene,
            tuple(names),
            sum(m.valence for m in members) / len(members),
            sum(m.arousal for m in members) / len(members),
        )
    return lexicon


def _combine(
    text: str, hits: list[_Hit], unknown: tuple[str, ...], readings: tuple[str, ...]
) -> WordsReading:
    weights: dict[str, float] = defaultdict(float)
    sources: dict[str, list[str]] = defaultdict(list)
    for hit in hits:
        for mood in hit.term.moods:
            weights[mood] += hit.weight / len(hit.term.moods)
            sources[mood].append(hit.words)
    valence, arousal = _point(hits)
    targets = tuple(_target(m, w, sources[m]) for m, w in _ranked(weights) if w > 0)
    avoid = tuple(_target(m, -w, sources[m]) for m, w in _ranked(weights) if w < 0)
    return WordsReading(text, targets, avoid, valence, arousal, unknown, readings)


def _point(hits: list[_Hit]) -> tuple[float, float]:
    """The weighted centre of what is wanted, pushed outwards by intensity ("very energetic" is more
    aroused than "energetic"); with only things to avoid, half-way to the opposite of their centre."""
    wanted = [h for h in hits if h.weight > 0]
    if wanted:
        total = sum(h.weight for h in wanted)
        valence = sum(h.term.valence * h.weight for h in wanted) / total
        arousal = sum(h.term.arousal * h.weight for h in wanted) / total
        stretch = total / len(wanted)
    else:
        total = sum(-h.weight for h in hits)
        valence = -0.5 * sum(h.term.valence * -h.weight for h in hits) / total
        arousal = -0.5 * sum(h.term.arousal * -h.weight for h in hits) / total
        stretch = 1.0
    return _clip(valence * stretch), _clip(arousal * stretch)


def _ranked(weights: dict[str, float]) -> list[tuple[str, float]]:
    return sorted(weights.items(), key=lambda item: -abs(item[1]))


def _target(mood: str, weight: float, words: list[str]) -> MoodTarget:
    family = taxonomy.family_of(mood)
    colour = next(f.colour for f in taxonomy.families() if f.name == family)
    return MoodTarget(mood, family, colour, round(weight, 3), tuple(dict.fromkeys(words)))


def _clip(value: float) -> float:
    return round(max(-1.0, min(1.0, value)), 3)
