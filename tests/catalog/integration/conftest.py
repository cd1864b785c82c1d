"""The pipeline tests share MEDIA_ROOT with their worker process (the test settings' folder), so the
per-test media folder of tests/catalog/conftest.py is replaced by one that cleans up after itself."""

from pathlib import Path

import pytest
from django.conf import settings

from catalog.services.taxonomy import load_taxonomy


@pytest.fixture(autouse=True)
def media_root() -> Path:
    root = Path(settings.MEDIA_ROOT)
    before = set(root.rglob("*")) if root.exists() else set()
    yield root
    for path in sorted(set(root.rglob("*")) - before, reverse=True):  # files before their folders
        path.unlink() if path.is_file() else path.rmdir()


@pytest.fixture(autouse=True)
def taxonomy_rows(transactional_db) -> None:
    """The taxonomy rows come from a data migration, and an earlier transactional test's flush (any app's)
    empties every table: load them again, as tests/catalog/test_analysis_pipeline_worker.py does."""
    load_taxonomy()
