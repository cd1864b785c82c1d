"""A web process loads no model code: torch, scipy and the feature extractors stay out of it.

Every gunicorn worker imports the URLconf (views, serializers, the admin) and the Celery task modules
(to queue analyses). Torch alone cost about 250 MB and 2 s per process there; only workers analyse.
A fresh interpreter checks it, since the test process itself has long imported everything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("torch", "scipy", "ml.features.summary", "ml.inference.bundle", "ml.audio.frontend")

PROBE = """
import json, sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns  # every view, serializer and admin module
import catalog.tasks, recommender.tasks  # what queueing an analysis or a rebuild imports
from catalog.services.analysis import enqueue_analysis
from catalog.services.ingest import ingest_file
print(json.dumps(sorted(name for name in sys.modules if name in HEAVY)))
"""


def loaded_heavy_modules() -> list[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "recommender.settings_test"}
    run = subprocess.run(
        [sys.executable, "-c", f"HEAVY = {HEAVY!r}\n{PROBE}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_loading_the_urls_and_task_modules_imports_no_model_code():
    assert loaded_heavy_modules() == []


def test_the_model_code_still_loads_where_it_is_used():
    from ml.audio import LogMel
    from ml.features import compute_features
    from ml.inference import CARD_FORMAT, ModelBundle

    assert LogMel.__module__ == "ml.audio.frontend" and ModelBundle.__module__ == "ml.inference.bundle"
    assert compute_features.__module__ == "ml.features.summary" and CARD_FORMAT.startswith("moodmix")
