"""The mood taxonomy and the genre hierarchy, as editable database rows.

Seeded from ``ml/taxonomy/*.json`` (``catalog.services.taxonomy.load_taxonomy``, run by a data migration
and by ``manage.py load_taxonomy``); editors add moods, words and subgenres in the admin. See
docs/taxonomy.md for the vocabulary itself and docs/analysis.md for how predictions refer to it.

The level/parent rules are enforced by the database, not only by forms: check constraints for what one
row can say about itself, and a trigger (migration ``0003_taxonomy_triggers``) for what needs the parent
row (a level-``n`` mood's parent is a level-``n - 1`` mood; a subgenre's parent is a top-level genre).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.text import slugify

__all__ = ["Genre", "GenreQuerySet", "Mood", "MoodLevel", "MoodQuerySet"]

COLOUR_PATTERN = r"^#[0-9A-Fa-f]{6}$"


class MoodLevel(models.IntegerChoices):
    """The taxonomy's levels: families colour the UI, moods are predicted, words are for editors."""

    FAMILY = 1, "Family"
    MOOD = 2, "Mood"
    WORD = 3, "Word"


class MoodQuerySet(models.QuerySet["Mood"]):
    def families(self) -> MoodQuerySet:
        return self.filter(level=MoodLevel.FAMILY)

    def moods(self) -> MoodQuerySet:
        return self.filter(level=MoodLevel.MOOD)

    def words(self) -> MoodQuerySet:
        return self.filter(level=MoodLevel.WORD)

    def terms(self) -> MoodQuerySet:
        """Levels 2 and 3: the names a track can be tagged with (one namespace, see the constraints)."""
        return self.filter(level__gte=MoodLevel.MOOD)


class Mood(models.Model):
    """One node of the 3-level mood taxonomy.

    - level 1, a **family** (e.g. "calm"): no parent; owns the colour the UI draws its moods with; its
      scores are derived from its moods, never predicted;
    - level 2, a **mood** (e.g. "serene"): parent is a family; the tagger's label space;
    - level 3, a **word** (e.g. "tranquil"): parent is a level-2 mood it maps up to; editors tag with it.

    Names are lowercase. Levels 2 and 3 share one namespace (a word never repeats a mood's name), so a
    tag name resolves to exactly one node; a family may share its prototype mood's name (family "sad"
    holds mood "sad"), so families have their own namespace. Every node has valence/arousal coordinates
    in [-1, 1] (Russell's circumplex); a family's are the centroid of its moods.
    """

    level = models.PositiveSmallIntegerField(
        verbose_name="level",
        choices=MoodLevel.choices,
        help_text="1 = family (colour, derived scores), 2 = mood (predicted), 3 = word (maps up to a mood).",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="parent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="Families have none; a mood's parent is its family; a word's parent is its mood.",
    )
    name = models.CharField(
        verbose_name="name", max_length=64, help_text="Lowercase term, e.g. 'bittersweet'."
    )
    slug = models.SlugField(
        verbose_name="slug", max_length=80, allow_unicode=True, help_text="URL-safe form of the name."
    )
    colour = models.CharField(
        verbose_name="colour",
        max_length=7,
        blank=True,
        help_text="Families only, '#RRGGBB'; moods and words are drawn in their family's colour.",
    )
    description = models.TextField(verbose_name="description", blank=True)
    valence = models.FloatField(
        verbose_name="valence", help_text="Unpleasant -1 .. pleasant +1 (Russell 1980 circumplex)."
    )
    arousal = models.FloatField(verbose_name="arousal", help_text="Calm -1 .. excited +1.")
    gems_factors = models.JSONField(
        verbose_name="GEMS factors",
        default=list,
        blank=True,
        help_text="Families: the Geneva Emotional Music Scale factor(s) the family maps to, primary first "
        "(Zentner, Grandjean & Scherer 2008).",
    )
    gems_superfactor = models.CharField(
        verbose_name="GEMS superfactor",
        max_length=32,
        blank=True,
        help_text="Families: sublimity, vitality or unease (the primary factor's second-order factor).",
    )
    sources = models.JSONField(
        verbose_name="sources",
        default=list,
        blank=True,
        help_text="Words: published vocabularies the word appears in (gems, russell, mirex, allmusic); "
        "empty for editorial words.",
    )
    created = models.DateTimeField(verbose_name="created", auto_now_add=True)
    updated = models.DateTimeField(verbose_name="updated", auto_now=True)

    objects = MoodQuerySet.as_manager()

    class Meta:
        ordering = ["level", "pk"]
        verbose_name = "mood"
        verbose_name_plural = "moods"
        constraints = [
            models.CheckConstraint(condition=Q(level__in=MoodLevel.values), name="catalog_mood_level_valid"),
            models.CheckConstraint(
                condition=Q(level=MoodLevel.FAMILY, parent__isnull=True)
                | Q(level__gt=MoodLevel.FAMILY, parent__isnull=False),
                name="catalog_mood_parent_iff_not_family",
            ),
            models.CheckConstraint(
                condition=Q(level=MoodLevel.FAMILY, colour__regex=COLOUR_PATTERN)
                | Q(level__gt=MoodLevel.FAMILY, colour=""),
                name="catalog_mood_colour_iff_family",
            ),
            models.CheckConstraint(
                condition=Q(valence__gte=-1, valence__lte=1, arousal__gte=-1, arousal__lte=1),
                name="catalog_mood_va_in_range",
            ),
            models.CheckConstraint(
                condition=Q(name=Lower("name")) & ~Q(name=""), name="catalog_mood_name_lowercase"
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="catalog_mood_not_own_parent"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(level=MoodLevel.FAMILY), name="catalog_mood_family_name_unique"
            ),
            models.UniqueConstraint(
                fields=["name"], condition=Q(level__gt=MoodLevel.FAMILY), name="catalog_mood_term_name_unique"
            ),
            models.UniqueConstraint(
                fields=["slug"], condition=Q(level=MoodLevel.FAMILY), name="catalog_mood_family_slug_unique"
            ),
            models.UniqueConstraint(
                fields=["slug"], condition=Q(level__gt=MoodLevel.FAMILY), name="catalog_mood_term_slug_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = slugify(self.name, allow_unicode=True)
        super().save(*args, **kwargs)

    @property
    def family(self) -> Mood:
        """The level-1 ancestor (itself for a family). Select ``parent__parent`` to avoid queries."""
        node = self
        while node.parent_id is not None:
            node = node.parent
        return node

    @property
    def display_colour(self) -> str:
        """The family's colour: children inherit it for display."""
        return self.family.colour

    def clean(self) -> None:
        self.name = " ".join(self.name.split()).lower()
        if self.level == MoodLevel.FAMILY:
            if self.parent is not None:
                raise ValidationError({"parent": "A family has no parent."})
        elif self.parent is None or self.parent.level != self.level - 1:
            expected = MoodLevel(self.level - 1).label.lower()
            raise ValidationError(
                {"parent": f"A {self.get_level_display().lower()}'s parent is a {expected}."}
            )
        if self.level != MoodLevel.FAMILY:
            self.colour = ""


class GenreQuerySet(models.QuerySet["Genre"]):
    def top_level(self) -> GenreQuerySet:
        """The genres the genre head predicts (no parent)."""
        return self.filter(parent__isnull=True)

    def subgenres(self) -> GenreQuerySet:
        return self.filter(parent__isnull=False)


class Genre(models.Model):
    """A genre (no parent: the genre head's label) or a subgenre of one (editors tag with those).

    Two levels only; the trigger of migration ``0003_taxonomy_triggers`` keeps a subgenre's parent a
    top-level genre. Names are unique and lowercase.
    """

    parent = models.ForeignKey(
        "self",
        verbose_name="parent genre",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subgenres",
        help_text="Empty for a top-level genre; the genre a subgenre belongs to.",
    )
    name = models.CharField(verbose_name="name", max_length=64, help_text="Lowercase, e.g. 'hard rock'.")
    slug = models.SlugField(verbose_name="slug", max_length=80, allow_unicode=True, unique=True)
    description = models.TextField(verbose_name="description", blank=True)
    created = models.DateTimeField(verbose_name="created", auto_now_add=True)
    updated = models.DateTimeField(verbose_name="updated", auto_now=True)

    objects = GenreQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = "genre"
        verbose_name_plural = "genres"
        constraints = [
            models.UniqueConstraint(fields=["name"], name="catalog_genre_name_unique"),
            models.CheckConstraint(
                condition=Q(name=Lower("name")) & ~Q(name=""), name="catalog_genre_name_lowercase"
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="catalog_genre_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = slugify(self.name, allow_unicode=True)
        super().save(*args, **kwargs)

    @property
    def is_subgenre(self) -> bool:
        return self.parent_id is not None

    def clean(self) -> None:
        self.name = " ".join(self.name.split()).lower()
        if self.parent is not None and self.parent.parent_id is not None:
            raise ValidationError({"parent": "A subgenre's parent must be a top-level genre."})
