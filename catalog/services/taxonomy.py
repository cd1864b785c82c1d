"""Seed and refresh the editable taxonomy tables (``Mood``, ``Genre``) from ``ml.taxonomy``'s JSON.

:func:`load_taxonomy` upserts by name: rows the JSON names are created or brought up to date, rows it
does not name (editors' additions) are never touched, nothing is ever deleted. Only the fields the JSON
supplies are written, so an editor's description of a mood or word survives a reload (families get their
description from the JSON). It runs in the data migration ``0004_load_taxonomy`` (with the migration's
historical models) and in ``manage.py load_taxonomy``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils.text import slugify

from catalog.models.taxonomy import Genre, Mood, MoodLevel
from ml import taxonomy

__all__ = ["KINDS", "LoadReport", "load_taxonomy", "resolve_mood"]

KINDS = ("families", "moods", "words", "genres", "subgenres")
"""The kinds of rows a load reports on, in load order."""


@dataclass
class LoadReport:
    """Per kind of row (``KINDS``): how many the load created, updated, or found already up to date."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)

    def count(self, kind: str, outcome: str) -> None:
        getattr(self, outcome)[kind] += 1

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()))

    def lines(self) -> list[str]:
        return [
            f"{kind}: {self.created[kind]} created, {self.updated[kind]} updated, "
            f"{self.unchanged[kind]} unchanged"
            for kind in KINDS
        ]


def load_taxonomy(
    mood_model: type[models.Model] = Mood, genre_model: type[models.Model] = Genre
) -> LoadReport:
    """Upsert the mood taxonomy and the genre hierarchy from ``ml.taxonomy``, in one transaction.

    The model arguments exist for the data migration, which must pass its historical models; everyone
    else calls it without arguments.
    """
    report = LoadReport()
    with transaction.atomic():
        _load_moods(mood_model, report)
        _load_genres(genre_model, report)
    return report


def resolve_mood(name: str) -> Mood:
    """The level-2 ``Mood`` named ``name``, or the mood a level-3 word ``name`` maps up to (case and
    blanks ignored). Covers editor-added moods and words. Raises ``Mood.DoesNotExist`` when no level-2
    or level-3 row has that name."""
    term = Mood.objects.terms().select_related("parent").get(name=" ".join(name.split()).lower())
    return term if term.level == MoodLevel.MOOD else term.parent


def _load_moods(model: type[models.Model], report: LoadReport) -> None:
    families = {row.name: row for row in model.objects.filter(level=MoodLevel.FAMILY)}
    # Levels 2 and 3 share one namespace, so a term is found by name whatever level it has now.
    terms = {row.name: row for row in model.objects.filter(level__gt=MoodLevel.FAMILY)}
    for family in taxonomy.families():
        family_row = _upsert(
            model,
            families,
            report,
            "families",
            family.name,
            level=MoodLevel.FAMILY,
            parent_id=None,
            colour=family.colour,
            description=family.description,
            # A family is where its moods are, on average: its coordinates are their centroid.
            valence=round(sum(m.valence for m in family.moods) / len(family.moods), 3),
            arousal=round(sum(m.arousal for m in family.moods) / len(family.moods), 3),
            gems_factors=list(family.gems),
            gems_superfactor=family.superfactor,
        )
        for mood in family.moods:
            mood_row = _upsert(
                model,
                terms,
                report,
                "moods",
                mood.name,
                level=MoodLevel.MOOD,
                parent_id=family_row.pk,
                valence=mood.valence,
                arousal=mood.arousal,
            )
            for word in mood.words:
                _upsert(
                    model,
                    terms,
                    report,
                    "words",
                    word.name,
                    level=MoodLevel.WORD,
                    parent_id=mood_row.pk,
                    valence=word.valence,
                    arousal=word.arousal,
                    sources=list(word.sources),
                )


def _load_genres(model: type[models.Model], report: LoadReport) -> None:
    existing = {row.name: row for row in model.objects.all()}
    for genre in taxonomy.genre_tree():
        genre_row = _upsert(
            model, existing, report, "genres", genre.name, parent_id=None, description=genre.description
        )
        for sub in genre.subgenres:
            _upsert(
                model,
                existing,
                report,
                "subgenres",
                sub.name,
                parent_id=genre_row.pk,
                description=sub.description,
            )


def _upsert(
    model: type[models.Model],
    existing: dict[str, models.Model],
    report: LoadReport,
    kind: str,
    name: str,
    **values: Any,
) -> models.Model:
    """Create the row ``name`` with ``values`` or update the fields of ``values`` that differ."""
    row = existing.get(name)
    if row is None:
        row = model.objects.create(name=name, slug=slugify(name, allow_unicode=True), **values)
        existing[name] = row
        report.count(kind, "created")
        return row
    changed = [key for key, value in values.items() if getattr(row, key) != value]
    if not changed:
        report.count(kind, "unchanged")
        return row
    for key in changed:
        setattr(row, key, values[key])
    row.save(update_fields=[*changed, "updated"])
    report.count(kind, "updated")
    return row
