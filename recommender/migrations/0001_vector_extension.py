from django.db import migrations
from pgvector.django import VectorExtension


class Migration(migrations.Migration):
    """Enable pgvector before any app declares a vector column."""

    initial = True
    dependencies: list = []
    operations = [VectorExtension()]
