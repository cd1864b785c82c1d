"""Shared fixtures: the real database comes from pytest-django + the embedded PostgreSQL; the real
Celery worker is a subprocess on the real broker, attached to the test database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def start_celery_worker(transactional_db, settings, tmp_path):
    """A function that starts a real `celery worker` process (every Moodmix queue, the test database) and
    returns it once ready; keyword arguments add to its environment. The first logs to
    ``tmp_path / "worker.log"``, the next to worker-2.log... Workers still running at the end of the test
    are stopped. For tests that kill a worker and start another."""
    from django.db import connection

    from catalog.services.taxonomy import load_taxonomy

    # The taxonomy rows come from a data migration, and an earlier transactional test's flush empties every
    # table: without them the worker's model step cannot store its moods (same upsert as load_taxonomy).
    load_taxonomy()
    _purge_broker()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "recommender.settings_test",
        "MOODMIX_DATABASE_NAME": connection.settings_dict["NAME"],
        "OMP_NUM_THREADS": "1",
    }
    started: list[subprocess.Popen] = []

    def start(**extra_env: str) -> subprocess.Popen:
        log = tmp_path / ("worker.log" if not started else f"worker-{len(started) + 1}.log")
        with log.open("w") as out:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "recommender",
                    "worker",
                    "--pool=solo",
                    "--concurrency=1",
                    "-Q",
                    "analysis,index,default",
                    "--loglevel=INFO",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                cwd=ROOT,
                env={**env, **extra_env},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        started.append(proc)
        _wait_ready(proc, log)
        return proc

    try:
        yield start
    finally:
        for proc in started:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()


@pytest.fixture
def celery_worker_process(start_celery_worker):
    """Start a real `celery worker` process consuming every Moodmix queue, bound to the test database.

    Use with ``@pytest.mark.django_db(transaction=True)`` so rows the test writes are committed and
    visible to the worker. Yields the process; its log is in ``tmp_path / "worker.log"``.
    """
    return start_celery_worker()


def _wait_ready(proc: subprocess.Popen, log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"celery worker exited early:\n{log.read_text()}")
        if "ready." in log.read_text():
            return
        time.sleep(0.2)
    raise RuntimeError(f"celery worker not ready after {timeout}s:\n{log.read_text()}")


def _purge_broker() -> None:
    """Drop messages left by an earlier test (a worker killed on purpose, say) so each test starts clean."""
    from recommender.celery import app

    with app.connection_for_write() as conn:
        for queue in ("analysis", "index", "default"):
            try:
                conn.default_channel.queue_purge(queue)
            except Exception:  # noqa: BLE001 - a queue never declared has nothing to purge
                pass
