"""The mood taxonomy and genres in the database: seeded by the migration, enforced by the database,
refreshed by `load_taxonomy` without losing what editors added."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from catalog.models import Genre, Mood, MoodLevel
from catalog.services.taxonomy import load_taxonomy, resolve_mood
from ml import taxonomy

pytestmark = pytest.mark.django_db

HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


def family(name: str) -> Mood:
    return Mood.objects.families().get(name=name)


def term(name: str) -> Mood:
    return Mood.objects.terms().get(name=name)


def raises_integrity_error(**fields) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Mood.objects.create(**fields)


def test_the_migration_seeds_three_levels_with_hundreds_of_moods():
    assert Mood.objects.families().count() == len(taxonomy.families()) == 10
    assert Mood.objects.moods().count() == len(taxonomy.moods()) == 40
    assert Mood.objects.words().count() == len(taxonomy.words())
    assert Mood.objects.count() >= 250


def test_every_word_maps_up_to_a_mood_and_every_mood_to_a_family():
    for word in Mood.objects.words().select_related("parent__parent"):
        assert word.parent.level == MoodLevel.MOOD
        assert word.parent.parent.level == MoodLevel.FAMILY
        assert word.parent.name == taxonomy.resolve(word.name).name
    for mood in Mood.objects.moods().select_related("parent"):
        assert mood.parent.name == taxonomy.family_of(mood.name)
    assert not Mood.objects.families().exclude(parent=None).exists()


def test_every_node_has_valence_and_arousal_in_range_and_families_have_colours():
    for mood in Mood.objects.all():
        assert -1 <= mood.valence <= 1 and -1 <= mood.arousal <= 1
    for fam in Mood.objects.families():
        assert HEX_COLOUR.match(fam.colour), fam.name
        assert fam.gems_factors and fam.gems_superfactor in {"sublimity", "vitality", "unease"}
    assert not Mood.objects.terms().exclude(colour="").exists()


def test_children_are_drawn_in_their_family_colour():
    word = Mood.objects.select_related("parent__parent").get(name="bittersweet")
    assert word.family == family("sad")
    assert word.display_colour == family("sad").colour


def test_a_family_sits_at_the_centroid_of_its_moods():
    calm = family("calm")
    moods = [m for m in taxonomy.families() if m.name == "calm"][0].moods
    assert calm.valence == pytest.approx(sum(m.valence for m in moods) / 4, abs=1e-3)
    assert calm.arousal == pytest.approx(sum(m.arousal for m in moods) / 4, abs=1e-3)


def test_words_keep_their_published_sources():
    assert "gems" in term("amused").sources


def test_genres_have_subgenres_one_level_deep():
    assert set(Genre.objects.top_level().values_list("name", flat=True)) == set(taxonomy.genres())
    rock = Genre.objects.get(name="rock")
    assert set(rock.subgenres.values_list("name", flat=True)) == set(taxonomy.genres()["rock"])
    assert Genre.objects.get(name="hard rock").is_subgenre
    assert all(g.description for g in Genre.objects.all())


def test_resolve_mood_maps_words_and_moods_to_their_level_2_mood():
    assert resolve_mood("Bittersweet").name == "melancholic"
    assert resolve_mood(" serene ").name == "serene"
    with pytest.raises(Mood.DoesNotExist):
        resolve_mood("calm-ish")


class TestDatabaseRules:
    def test_a_mood_needs_a_family_parent_and_a_word_a_mood_parent(self):
        sad, lonely = family("sad"), term("lonely")
        raises_integrity_error(
            level=MoodLevel.MOOD, name="forlorn2", slug="forlorn2", valence=-0.5, arousal=-0.3
        )
        raises_integrity_error(
            level=MoodLevel.MOOD, parent=lonely, name="forlorn2", slug="forlorn2", valence=-0.5, arousal=-0.3
        )
        raises_integrity_error(
            level=MoodLevel.WORD, parent=sad, name="forlorn2", slug="forlorn2", valence=-0.5, arousal=-0.3
        )
        Mood.objects.create(level=MoodLevel.WORD, parent=lonely, name="forlorn2", valence=-0.5, arousal=-0.3)

    def test_a_family_has_no_parent_and_a_colour(self):
        raises_integrity_error(
            level=MoodLevel.FAMILY,
            parent=family("sad"),
            name="x",
            slug="x",
            colour="#000000",
            valence=0,
            arousal=0,
        )
        raises_integrity_error(
            level=MoodLevel.FAMILY, name="x", slug="x", colour="blue", valence=0, arousal=0
        )
        raises_integrity_error(
            level=MoodLevel.MOOD,
            parent=family("sad"),
            name="x",
            slug="x",
            colour="#000000",
            valence=0,
            arousal=0,
        )

    def test_coordinates_outside_the_circumplex_are_refused(self):
        raises_integrity_error(
            level=MoodLevel.WORD, parent=term("sad"), name="x", slug="x", valence=1.5, arousal=0
        )

    def test_names_are_lowercase_and_unique_across_moods_and_words(self):
        raises_integrity_error(
            level=MoodLevel.WORD, parent=term("sad"), name="Gloomy2", slug="g", valence=0, arousal=0
        )
        raises_integrity_error(
            level=MoodLevel.WORD, parent=term("sad"), name="serene", slug="s2", valence=0, arousal=0
        )

    def test_a_mood_with_words_cannot_change_level(self):
        sad = term("sad")
        sad.level = MoodLevel.WORD
        sad.parent = term("lonely")
        with pytest.raises(IntegrityError), transaction.atomic():
            sad.save()

    def test_a_subgenre_cannot_have_a_subgenre(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            Genre.objects.create(name="nu hard rock", parent=Genre.objects.get(name="hard rock"))
        with pytest.raises(IntegrityError), transaction.atomic():
            Genre.objects.filter(name="metal").update(parent=Genre.objects.get(name="rock"))

    def test_forms_report_the_same_rules_as_validation_errors(self):
        word = Mood(level=MoodLevel.WORD, parent=family("sad"), name="Forlorn ", valence=0, arousal=0)
        with pytest.raises(ValidationError, match="parent is a mood"):
            word.full_clean()
        assert word.name == "forlorn"
        sub = Genre(name="x", parent=Genre.objects.get(name="hard rock"))
        with pytest.raises(ValidationError, match="top-level"):
            sub.full_clean()


class TestLoadTaxonomy:
    def test_a_second_load_changes_nothing(self):
        before = Mood.objects.count(), Genre.objects.count()
        report = load_taxonomy()
        assert not report.changed
        assert sum(report.unchanged.values()) == Mood.objects.count() + Genre.objects.count()
        assert (Mood.objects.count(), Genre.objects.count()) == before

    def test_rows_editors_added_are_kept_and_their_descriptions_survive(self):
        editor_word = Mood.objects.create(
            level=MoodLevel.WORD, parent=term("calm"), name="hygge", valence=0.6, arousal=-0.5
        )
        editor_genre = Genre.objects.create(name="city pop", parent=Genre.objects.get(name="pop"))
        serene = term("serene")
        serene.description = "Written by an editor."
        serene.save()

        load_taxonomy()

        assert Mood.objects.filter(pk=editor_word.pk, parent=term("calm")).exists()
        assert Genre.objects.filter(pk=editor_genre.pk).exists()
        assert term("serene").description == "Written by an editor."

    def test_seeded_values_an_editor_changed_are_restored_and_counted(self):
        Mood.objects.filter(name="calm", level=MoodLevel.FAMILY).update(colour="#000000")
        Mood.objects.filter(name="bittersweet").update(valence=0.99)
        Mood.objects.filter(name="tranquil").delete()
        seeded = {w.name: w for w in taxonomy.words()}

        report = load_taxonomy()

        assert family("calm").colour == [f.colour for f in taxonomy.families() if f.name == "calm"][0]
        assert term("bittersweet").valence == seeded["bittersweet"].valence
        assert term("tranquil").parent.name == seeded["tranquil"].mood
        assert (report.updated["families"], report.updated["words"], report.created["words"]) == (1, 1, 1)

    def test_the_command_reports_counts_per_kind(self):
        out = StringIO()
        call_command("load_taxonomy", stdout=out)
        text = out.getvalue()
        assert "families: 0 created, 0 updated, 10 unchanged" in text
        assert "already up to date" in text
