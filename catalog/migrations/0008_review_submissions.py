"""Editors no longer see every private upload (issue 8, item 4): owners submit a private track for review
(``Track.submitted_for_review``); editors see public tracks and submitted ones."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0007_per_owner_duplicates'),
    ]

    operations = [
        migrations.AddField(
            model_name='track',
            name='submitted_for_review',
            field=models.BooleanField(default=False, help_text="The owner asks editors to review this track's tags: editors then see it even while it is private. Only the owner or a superuser changes it.", verbose_name='submitted for review'),
        ),
        migrations.AlterField(
            model_name='track',
            name='visibility',
            field=models.CharField(choices=[('private', 'Private'), ('public', 'Public')], default='private', help_text='Private tracks are seen only by their owner and superusers (and by editors once submitted for review). Only the owner or a superuser changes it.', max_length=16, verbose_name='visibility'),
        ),
    ]
