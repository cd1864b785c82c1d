"""``manage.py load_taxonomy``: bring the Mood and Genre tables up to date with ml/taxonomy/*.json.

Upserts by name and reports created/updated/unchanged rows per kind. Rows editors added are kept, nothing
is deleted (see ``catalog.services.taxonomy``). Safe to run any number of times.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from catalog.services.taxonomy import load_taxonomy


class Command(BaseCommand):
    help = "Create or update the mood taxonomy and genres from ml/taxonomy; editor-added rows are kept."

    def handle(self, *args, **options) -> None:
        report = load_taxonomy()
        for line in report.lines():
            self.stdout.write(line)
        summary = "Taxonomy updated." if report.changed else "Taxonomy already up to date."
        self.stdout.write(self.style.SUCCESS(summary))
