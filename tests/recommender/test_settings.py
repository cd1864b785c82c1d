"""Settings refuse unsafe production configurations and honour the documented environment."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _load_settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "CELERY_BROKER_URL", "MOODMIX_BROKER_RECORD"}
    }
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.CELERY_BROKER_URL)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "recommender.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_debug_off_without_secret_key_refuses_to_start():
    result = _load_settings({"DEBUG": "0"})
    assert result.returncode != 0
    assert "refusing to start with the development secret key" in result.stderr


def test_debug_off_with_a_real_secret_key_starts():
    result = _load_settings({"DEBUG": "0", "SECRET_KEY": "x" * 50})
    assert result.returncode == 0, result.stderr


def test_unreachable_redis_falls_back_to_the_filesystem_broker(tmp_path):
    result = _load_settings(
        {"DEBUG": "1", "REDIS_URL": "redis://127.0.0.1:1/0", "MOODMIX_VAR_DIR": str(tmp_path)}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "filesystem://"
