"""Create the "Editors" group with exactly the permissions the editors' workspace needs (docs/editors.md).

Editors see and change tracks (metadata, mood and genre verdicts, review state, re-analysis), work the
review queue, fix artists, and extend the taxonomy (new words and subgenres). They cannot add tracks
(uploads go through ingest), delete anything, or touch users, groups or other apps. The list is frozen
here, as migrations must be; a later model the editors need gets its own migration.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Editors"
PERMISSIONS = [
    "view_track",
    "change_track",
    "view_reviewqueueentry",
    "change_reviewqueueentry",
    "view_artist",
    "add_artist",
    "change_artist",
    "view_mood",
    "add_mood",
    "change_mood",
    "view_genre",
    "add_genre",
    "change_genre",
]


def create_editors(apps, schema_editor) -> None:
    # Permissions are normally created after all migrations (post_migrate); create the catalogue's now.
    catalog = apps.get_app_config("catalog")
    catalog.models_module = True
    create_permissions(catalog, apps=apps, verbosity=0)
    catalog.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(Permission.objects.filter(content_type__app_label="catalog", codename__in=PERMISSIONS))
    missing = set(PERMISSIONS) - {p.codename for p in permissions}
    if missing:
        raise RuntimeError(f"permissions not found for the Editors group: {sorted(missing)}")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(*permissions)


def remove_editors(apps, schema_editor) -> None:
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0005_track_review"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]
