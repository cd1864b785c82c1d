"""Duplicates per owner (issue 8, item 3): ``content_sha256`` is no longer unique across the catalogue,
only per owner, so a listener can upload bytes another listener holds privately without learning of it.
Rows share the stored file (``catalog.services.blobs``)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0006_editors_group'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='track',
            name='content_sha256',
            field=models.CharField(db_index=True, help_text="SHA-256 of the file's bytes (hex): one track per owner and content; owners holding the same bytes share the stored file.", max_length=64, verbose_name='SHA-256'),
        ),
        migrations.AddConstraint(
            model_name='track',
            constraint=models.UniqueConstraint(fields=('owner', 'content_sha256'), name='catalog_track_one_copy_per_owner'),
        ),
    ]
