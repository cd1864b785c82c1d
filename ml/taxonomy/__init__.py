"""The mood and genre vocabularies shared by the models, the corpus and the catalogue.

`moods.json` holds the 3-level mood taxonomy with valence/arousal coordinates in [-1, 1] (Russell 1980
circumplex):

- level 1, `Family`: about ten mood families, each with a UI colour, the GEMS factor(s) it maps to and
  its GEMS superfactor (Zentner, Grandjean & Scherer 2008, "Emotions evoked by the sound of music",
  Emotion 8(4));
- level 2, `Mood`: the label space of the tagger; a family's score is derived from its moods' scores;
- level 3, `Word`: fine mood words editors use; each maps up to exactly one level-2 mood.

Every name appears once across all three levels (a family may share the name of its prototype mood,
e.g. family "sad" holds mood "sad"), so `resolve()` is unambiguous. `genres.json` holds genres and their
subgenres. The catalogue seeds its editable tables from these files. See docs/taxonomy.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent

__all__ = [
    "Word",
    "Mood",
    "Family",
    "Subgenre",
    "Genre",
    "families",
    "moods",
    "words",
    "mood_by_name",
    "family_of",
    "resolve",
    "gems_factors",
    "genres",
    "genre_tree",
]


@dataclass(frozen=True)
class Word:
    """A level-3 mood word; `mood` is the level-2 mood it maps to.

    `sources` names the published vocabularies the word appears in (keys of `moods.json`'s "sources":
    gems, russell, mirex, allmusic); empty for editorial words.
    """

    name: str
    mood: str
    valence: float
    arousal: float
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mood:
    """A level-2 mood: the level the tagger predicts."""

    name: str
    family: str
    valence: float
    arousal: float
    words: tuple[Word, ...]


@dataclass(frozen=True)
class Family:
    """A level-1 mood family, with the colour the UI and profile text use.

    `gems` lists the GEMS factor(s) the family maps to, primary first; `superfactor` is the GEMS
    second-order factor (sublimity, vitality or unease) of the primary one.
    """

    name: str
    colour: str
    description: str
    moods: tuple[Mood, ...]
    gems: tuple[str, ...] = ()
    superfactor: str = ""


@dataclass(frozen=True)
class Subgenre:
    """A style within a genre; editors extend the list in the catalogue."""

    name: str
    genre: str
    description: str


@dataclass(frozen=True)
class Genre:
    """A top-level genre: the genre head's label."""

    name: str
    description: str
    subgenres: tuple[Subgenre, ...]


@cache
def _moods_document() -> dict:
    return json.loads((DATA_DIR / "moods.json").read_text())


@cache
def families() -> tuple[Family, ...]:
    """The level-1 families in display order, each holding its moods and their words."""
    out = []
    for fam in _moods_document()["families"]:
        moods_ = tuple(
            Mood(
                name=m["name"],
                family=fam["name"],
                valence=float(m["valence"]),
                arousal=float(m["arousal"]),
                words=tuple(
                    Word(w["name"], m["name"], float(w["valence"]), float(w["arousal"]), tuple(w["sources"]))
                    for w in m.get("words", ())
                ),
            )
            for m in fam["moods"]
        )
        out.append(
            Family(
                name=fam["name"],
                colour=fam["colour"],
                description=fam["description"],
                moods=moods_,
                gems=tuple(fam["gems"]),
                superfactor=fam["superfactor"],
            )
        )
    return tuple(out)


def moods() -> tuple[Mood, ...]:
    """The level-2 moods in taxonomy order (the tagger's label order)."""
    return tuple(m for fam in families() for m in fam.moods)


def words() -> tuple[Word, ...]:
    """Every level-3 word, in taxonomy order."""
    return tuple(w for m in moods() for w in m.words)


@cache
def mood_by_name() -> dict[str, Mood]:
    return {m.name: m for m in moods()}


def family_of(mood: str) -> str:
    return mood_by_name()[mood].family


@cache
def _resolution_table() -> dict[str, Mood]:
    table = dict(mood_by_name())
    by_name = mood_by_name()
    table.update({w.name: by_name[w.mood] for w in words()})
    return table


def resolve(name: str) -> Mood:
    """The level-2 mood for a level-2 mood name or a level-3 word (case and surrounding blanks ignored).

    Raises KeyError naming the term when it is in neither level. Family names resolve only where the
    family shares its prototype mood's name (family "calm" -> mood "calm").
    """
    key = " ".join(name.split()).lower()
    try:
        return _resolution_table()[key]
    except KeyError:
        raise KeyError(f"{name!r} is neither a level-2 mood nor a level-3 mood word") from None


def gems_factors() -> dict[str, str]:
    """The nine GEMS factors -> their superfactor (sublimity, vitality, unease)."""
    return dict(_moods_document()["gems_factors"])


@cache
def genre_tree() -> tuple[Genre, ...]:
    """The genres with their descriptions and subgenres, in file order."""
    raw = json.loads((DATA_DIR / "genres.json").read_text())
    return tuple(
        Genre(
            name=g["name"],
            description=g["description"],
            subgenres=tuple(Subgenre(s["name"], g["name"], s["description"]) for s in g["subgenres"]),
        )
        for g in raw["genres"]
    )


@cache
def genres() -> dict[str, tuple[str, ...]]:
    """Genre name -> its subgenre names (the genre head's label space is the keys)."""
    return {g.name: tuple(s.name for s in g.subgenres) for g in genre_tree()}
