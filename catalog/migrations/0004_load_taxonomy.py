"""Seed the mood taxonomy and the genre hierarchy from ml/taxonomy/*.json (the same upsert as
``manage.py load_taxonomy``, which refreshes them later). Reversing keeps the rows: editors may have
tagged tracks with them."""

from django.db import migrations


def load(apps, schema_editor) -> None:
    from catalog.services.taxonomy import load_taxonomy

    load_taxonomy(apps.get_model("catalog", "Mood"), apps.get_model("catalog", "Genre"))


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_taxonomy_triggers")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
