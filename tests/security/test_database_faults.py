"""The database goes away under a running web server (gunicorn, production settings) and comes back.

Real pieces only: a throw-away embedded PostgreSQL of its own (so stopping it harms no other test), reached
through ``DATABASE_URL`` as an external server would be (the app never starts it), and gunicorn in a
subprocess. While the server is stopped every page answers 503 with a page that says the database is
down (no traceback), the API answers problem+json, and ``/healthz`` names the database as the failing
part; once it runs again the same gunicorn process answers 200 everywhere, without a restart.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from recommender import dbserver

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, headers: dict | None = None) -> tuple[int, str, dict]:
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, headers=headers or {}), timeout=20
        ) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def wait_for(url: str, status: int, timeout: float = 60.0) -> tuple[int, str, dict]:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = fetch(url)
            if last[0] == status:
                return last
        except OSError as error:
            last = (None, str(error), {})
        time.sleep(0.3)
    raise AssertionError(f"{url} never answered {status}; last: {last and last[:2]}")


@pytest.fixture
def own_database():
    """A private embedded PostgreSQL (short path: its unix socket must fit 107 bytes)."""
    base = Path(tempfile.mkdtemp(prefix="h14db", dir="/tmp"))
    base.chmod(0o755)  # the server runs as its own OS user when we are root
    pgdata = base / "pgdata"
    db = dbserver.ensure_running(pgdata, database="moodmix")
    try:
        yield pgdata, db, base
    finally:
        dbserver.stop(pgdata)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def web(own_database):
    pgdata, db, base = own_database
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db.user}@{quote(db.socket_dir, safe='')}/moodmix",
        "DEBUG": "0",
        "SECRET_KEY": "h14-database-fault-test-" + "x" * 40,
        "MOODMIX_VAR_DIR": str(base / "var"),
        "CELERY_BROKER_URL": "filesystem://",
        "MOODMIX_BROKER_DIR": str(base / "var" / "broker"),
        "MEDIA_ROOT": str(base / "media"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "recommender.settings",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )
    port = _free_port()
    log = (base / "gunicorn.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "recommender.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "1",
            "-t",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(f"{url}/healthz", 200, timeout=120)
        yield url, proc, pgdata
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def test_the_web_answers_503_while_the_database_is_down_and_recovers_without_a_restart(web):
    url, proc, pgdata = web
    assert fetch(f"{url}/")[0] == 200
    assert fetch(f"{url}/api/v1/moods")[0] == 401  # reaches the view: the API is up

    assert dbserver.stop(pgdata)
    # Pages that query the database (a login form for a visitor without a session needs none: it stays 200).
    for path in ("/", "/tracks/1/", "/tracks/status.json?ids=1"):
        status, body, headers = fetch(f"{url}{path}")
        assert status == 503, (path, status, body[:300])
        assert "database is unreachable" in body and "Traceback" not in body, path
        assert headers.get("Retry-After") == "30" and "Content-Security-Policy" in headers
    status, body, headers = fetch(f"{url}/api/v1/tracks", {"Authorization": "Bearer mmx_looked_up_in_the_db"})
    assert status == 503 and json.loads(body)["code"] == "database_down"
    assert headers["Content-Type"] == "application/problem+json"
    status, body, _ = fetch(f"{url}/healthz")
    report = json.loads(body)
    assert status == 503 and report["status"] == "error"
    assert report["database"].startswith("error:") and report["media"] == "ok", report

    dbserver.ensure_running(pgdata, database="moodmix")
    status, body, _ = wait_for(f"{url}/healthz", 200, timeout=30)
    assert json.loads(body)["database"] == "ok"
    assert fetch(f"{url}/")[0] == 200 and fetch(f"{url}/accounts/login/")[0] == 200
    assert proc.poll() is None  # the same gunicorn process: recovered, not restarted
