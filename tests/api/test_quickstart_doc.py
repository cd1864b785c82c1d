"""docs/api.md's quick start, run as written: bash + curl + jq against a live server, a real worker that
analyses the upload with a tiny bundle, and a local webhook receiver."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from catalog.services.taxonomy import load_taxonomy
from recommender.api.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from recommender.api.services.webhooks import SIGNATURE_HEADER, verify
from recommender.models import ScoreGeneration
from recommender.services.playlists import snapshot
from recommender.services.scores import bump_generation
from tests.api.catalogue import MODEL_VERSION, analysed_track
from tests.api.receiver import receiving
from tests.catalog.audio import write_audio
from tests.catalog.model_outputs import save_tiny_bundle
from tests.waiting import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "api.md"


def quickstart_script() -> str:
    text = DOC.read_text()
    block = re.search(r"<!-- quickstart:begin -->\n```bash\n(.*?)```\n<!-- quickstart:end -->", text, re.S)
    assert block, "docs/api.md lost its quick start block"
    return block.group(1)


@pytest.fixture(autouse=True)
def media_root() -> Path:
    """The worker reads the test settings' MEDIA_ROOT: use it, and remove what this test added."""
    root = Path(settings.MEDIA_ROOT)
    before = set(root.rglob("*")) if root.exists() else set()
    yield root
    for path in sorted(set(root.rglob("*")) - before, reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


@pytest.fixture
def worker(tmp_path, monkeypatch, request):
    monkeypatch.setenv(
        "MOODMIX_BUNDLE_DIR", str(save_tiny_bundle(tmp_path / "bundle", version=MODEL_VERSION))
    )
    return request.getfixturevalue("celery_worker_process")


def test_the_quick_start_runs_as_written(worker, live_server, tmp_path):
    load_taxonomy()
    # Step 7 ranks the default model version's snapshot (the version with most scored tracks). Catalogues
    # of earlier test modules, deleted since, leave their versions' track counts behind (deletions bump
    # generations without recounting), and flushes restart generations a cached snapshot may match:
    # recount every version and forget cached snapshots, so the default is this test's own catalogue.
    bump_generation(set(ScoreGeneration.objects.values_list("model_version", flat=True)))
    snapshot._cache.clear()
    neighbour = analysed_track(title="Harbour Lights")  # something in the same embedding space
    song = write_audio(tmp_path / "Lena - Quiet Harbour.wav", seconds=4.0, frequency=330.0)
    with receiving(status=200) as receiver:
        env = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
            "DJANGO_SETTINGS_MODULE": "recommender.settings_test",
            "MOODMIX_DATABASE_NAME": connection.settings_dict["NAME"],
            "MOODMIX_URL": live_server.url,
            "SONG": str(song),
            "WEBHOOK_URL": receiver.url,
        }
        run = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", quickstart_script()],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        log = (tmp_path / "worker.log").read_text()
        assert run.returncode == 0, f"{run.stdout}\n{run.stderr}\n{log}"
        delivery = wait_for(
            lambda: WebhookDelivery.objects.filter(status=DeliveryStatus.SUCCEEDED).first(), timeout=60
        )
        headers, body = receiver.requests[0]
    assert delivery.event == "analysis.succeeded"
    assert verify(WebhookEndpoint.objects.get().secret, body, headers[SIGNATURE_HEADER])
    out = run.stdout
    assert '"title": "Quiet Harbour"' in out and '"status": "analyzed"' in out
    assert f'"model_version": "{MODEL_VERSION}"' in out
    assert '"danceability"' in out and '"tempo"' in out
    assert '"title": "Harbour Lights"' in out and neighbour.pk  # step 5: the similar track is listed
    assert '"reason": "matches Calm ' in out  # step 7: a mood playlist, each track with its reason
