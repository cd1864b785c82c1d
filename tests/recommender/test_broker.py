"""The broker is decided once: recorded on first start and reused, adopted from the web process by workers,
and a worker configured for another broker refuses to start (its tasks would wait where nobody reads)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from recommender import broker

ROOT = Path(__file__).resolve().parents[2]
LIVE_REDIS = os.environ.get("MOODMIX_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
DEAD_REDIS = "redis://127.0.0.1:1/0"


def _env(var_dir: Path, **extra: str) -> dict[str, str]:
    drop = {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "CELERY_BROKER_URL", "REDIS_URL"}
    drop |= {"MOODMIX_BROKER_RECORD", "MOODMIX_BROKER_DIR"}
    return {
        **{k: v for k, v in os.environ.items() if k not in drop},
        "DJANGO_SETTINGS_MODULE": "recommender.settings",
        "DEBUG": "1",
        "MOODMIX_VAR_DIR": str(var_dir),
        **extra,
    }


def _python(code: str, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


SETTINGS_BROKER = (
    "import django; django.setup(); from django.conf import settings; print(settings.CELERY_BROKER_URL)"
)


def test_the_first_choice_is_recorded_and_reused_even_when_redis_comes_back(tmp_path):
    assert _python(SETTINGS_BROKER, _env(tmp_path, REDIS_URL=DEAD_REDIS)) == "filesystem://"
    assert (tmp_path / "broker-url").read_text().strip() == "filesystem://"
    # A later process would have reached Redis; it keeps the recorded choice instead of probing again.
    assert _python(SETTINGS_BROKER, _env(tmp_path, REDIS_URL=LIVE_REDIS)) == "filesystem://"


def test_the_web_process_records_its_explicit_broker(tmp_path):
    web = "import recommender.wsgi; from django.conf import settings; print(settings.CELERY_BROKER_URL)"
    assert _python(web, _env(tmp_path, CELERY_BROKER_URL=LIVE_REDIS)) == LIVE_REDIS
    assert (tmp_path / "broker-url").read_text().strip() == LIVE_REDIS


def _worker(var_dir: Path, **extra: str) -> subprocess.CompletedProcess:
    """Start a worker that quits once ready (or earlier, if it refuses)."""
    code = (
        "from celery import signals\n"
        "import os\n"
        "def ready(**kw):\n"
        "    os.write(1, b'worker ready\\n')\n"
        "    os._exit(0)\n"
        "signals.worker_ready.connect(ready, weak=False)\n"
        "from recommender.celery import app\n"
        "print('broker', app.conf.broker_url, flush=True)\n"
        "app.worker_main(['worker', '--pool=solo', '-Q', 'default', '--without-gossip', '--without-mingle',"
        " '--without-heartbeat', '--loglevel=WARNING'])\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_env(var_dir, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_web_and_worker_agree_and_a_worker_on_another_broker_refuses(tmp_path):
    web = "import recommender.wsgi; from django.conf import settings; print(settings.CELERY_BROKER_URL)"
    assert _python(web, _env(tmp_path, CELERY_BROKER_URL=LIVE_REDIS)) == LIVE_REDIS

    # No broker configured, Redis at REDIS_URL unreachable: it would have probed its way to the filesystem.
    adopted = _worker(tmp_path, REDIS_URL=DEAD_REDIS)
    assert adopted.returncode == 0, adopted.stderr
    assert f"broker {LIVE_REDIS}" in adopted.stdout and "worker ready" in adopted.stdout

    refused = _worker(tmp_path, CELERY_BROKER_URL="filesystem://")
    assert refused.returncode != 0
    assert "worker ready" not in refused.stdout
    assert "Refusing to start" in refused.stderr and LIVE_REDIS in refused.stderr


def test_passwords_are_masked():
    assert broker.masked("redis://:s3cret@cache:6379/0") == "redis://:***@cache:6379/0"
    assert broker.masked("amqp://user:pw@rabbit//") == "amqp://user:***@rabbit//"
