"""`make serve` (scripts/serve.sh) runs the production stack: gunicorn with DEBUG off serving static files,
a worker and beat, a generated SECRET_KEY kept in var/, and `check --deploy` clean."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from recommender import dbserver

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_for_page(url: str, proc: subprocess.Popen, log: Path, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"serve.sh exited early:\n{log.read_text()}")
        try:
            get(url)
            return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"no page within {timeout}s:\n{log.read_text()}")


def test_serve_runs_gunicorn_with_debug_off_static_files_worker_and_beat(settings, tmp_path):
    from django.db import connection

    db = settings.DATABASES["default"]
    socket_dir = dbserver.attach(Path(db["EMBEDDED_PGDATA"]), db["NAME"]).socket_dir
    port = free_port()
    var = tmp_path / "var"
    database_url = f"postgres://postgres@{quote(socket_dir, safe='')}/{connection.settings_dict['NAME']}"
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}},
        "MOODMIX_VAR_DIR": str(var),
        "MOODMIX_BIND": f"127.0.0.1:{port}",
        "WEB_WORKERS": "1",
        # The test database (already migrated) and the test broker: serve.sh starts no server of its own.
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    }
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            ["scripts/serve.sh"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_page(base + "/", proc, log)

        status, _, body = get(base + "/")
        assert status == 200, body[:500]
        missing, _, body = get(base + "/no-such-page/")
        assert missing == 404 and b"URLconf" not in body  # no DEBUG technical page
        status, headers, css = get(base + "/static/css/moodmix.css")
        assert status == 200 and headers["Content-Type"].startswith("text/css") and css
        assert "max-age" in headers.get("Cache-Control", "")  # whitenoise, not Django's DEBUG view

        output = log.read_text()
        assert "System check identified no issues" in output
        key = var / "secret-key"
        assert len(key.read_text().strip()) >= 50 and oct(key.stat().st_mode & 0o777) == "0o600"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            worker, beat = (var / "log" / "worker.log").read_text(), (var / "log" / "beat.log").read_text()
            if "ready." in worker and "beat: Starting" in beat:
                break
            time.sleep(0.5)
        assert "ready." in worker, worker
        assert "beat: Starting" in beat, beat
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
