"""Rules of the taxonomy that need the parent row, enforced by PostgreSQL triggers.

A check constraint sees one row only, so it cannot say "a mood's parent is a family". These triggers
raise ``check_violation`` (Django's IntegrityError) when:

- a level-n mood gets a parent that is not level n - 1, or a mood with children changes level;
- a subgenre gets a parent that is itself a subgenre, or a genre with subgenres gets a parent.

Admin forms show the same rules as validation errors first (``Mood.clean``, ``Genre.clean``).
"""

from django.db import migrations

MOOD_TRIGGER = """
CREATE FUNCTION catalog_mood_check_hierarchy() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.parent_id IS NOT NULL
       AND (SELECT level FROM catalog_mood WHERE id = NEW.parent_id) IS DISTINCT FROM NEW.level - 1 THEN
        RAISE EXCEPTION 'mood "%": a level-% mood needs a level-% parent', NEW.name, NEW.level, NEW.level - 1
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.level <> OLD.level
       AND EXISTS (SELECT 1 FROM catalog_mood WHERE parent_id = NEW.id) THEN
        RAISE EXCEPTION 'mood "%" has children: its level cannot change', NEW.name
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER catalog_mood_hierarchy BEFORE INSERT OR UPDATE OF level, parent_id ON catalog_mood
    FOR EACH ROW EXECUTE FUNCTION catalog_mood_check_hierarchy();
"""

GENRE_TRIGGER = """
CREATE FUNCTION catalog_genre_check_hierarchy() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.parent_id IS NOT NULL THEN
        IF (SELECT parent_id FROM catalog_genre WHERE id = NEW.parent_id) IS NOT NULL THEN
            RAISE EXCEPTION 'genre "%": a subgenre''s parent must be a top-level genre', NEW.name
                USING ERRCODE = 'check_violation';
        END IF;
        IF EXISTS (SELECT 1 FROM catalog_genre WHERE parent_id = NEW.id) THEN
            RAISE EXCEPTION 'genre "%" has subgenres: it cannot become a subgenre', NEW.name
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER catalog_genre_hierarchy BEFORE INSERT OR UPDATE OF parent_id ON catalog_genre
    FOR EACH ROW EXECUTE FUNCTION catalog_genre_check_hierarchy();
"""


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_taxonomy_and_predictions")]

    operations = [
        migrations.RunSQL(
            MOOD_TRIGGER,
            reverse_sql="DROP TRIGGER catalog_mood_hierarchy ON catalog_mood;"
            "DROP FUNCTION catalog_mood_check_hierarchy();",
        ),
        migrations.RunSQL(
            GENRE_TRIGGER,
            reverse_sql="DROP TRIGGER catalog_genre_hierarchy ON catalog_genre;"
            "DROP FUNCTION catalog_genre_check_hierarchy();",
        ),
    ]
