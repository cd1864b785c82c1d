"""The embedded PostgreSQL starts with pgvector, survives a stale pid file, and stops on request; only an
explicit ``dbserver start`` or a real database connection starts it, never importing the settings."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest

from recommender import dbserver

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow  # initdb of a fresh cluster takes a few seconds


@pytest.fixture
def var_dir():
    """A state folder the server's OS user can reach. Not under pytest's tmp root: every pytest session on
    the machine re-applies mode 0700 to that root, which locks the postgres user out mid-initdb."""
    (ROOT / "var").mkdir(exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix="test-dbserver-", dir=ROOT / "var"))
    yield path
    dbserver.stop(path / "pgdata")
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def data_dir(var_dir):
    return var_dir / "pgdata"


def _vector_version(db: dbserver.EmbeddedDatabase, name: str) -> str:
    with psycopg.connect(host=db.socket_dir, user=db.user, dbname=name, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        return conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'").fetchone()[0]


def test_starts_creates_the_database_and_ships_pgvector(data_dir):
    db = dbserver.ensure_running(data_dir, database="moodmix_probe")
    assert dbserver.status(data_dir).startswith("running")
    assert _vector_version(db, "moodmix_probe") >= "0.8"


def test_a_stale_pid_file_pointing_at_another_process_is_not_trusted(data_dir):
    dbserver.ensure_running(data_dir)
    assert dbserver.stop(data_dir)
    # PID 1 exists but is not postgres: the package alone would believe the server runs.
    (data_dir / "postmaster.pid").write_text(f"1\n{data_dir}\n0\n5432\n{data_dir}\n\n\nready\n")
    db = dbserver.ensure_running(data_dir, database="after_stale")
    assert dbserver.status(data_dir).startswith("running")
    assert _vector_version(db, "after_stale")


def test_stop_reports_whether_anything_ran(data_dir):
    dbserver.ensure_running(data_dir)
    assert dbserver.stop(data_dir) is True
    assert dbserver.status(data_dir) == "stopped"
    assert dbserver.stop(data_dir) is False


def _manage(var_dir, *args: str) -> str:
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}},
        "DJANGO_SETTINGS_MODULE": "recommender.settings",
        "DEBUG": "1",
        "MOODMIX_VAR_DIR": str(var_dir),
        "CELERY_BROKER_URL": "memory://",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_manage_py_check_starts_no_database_server(var_dir):
    _manage(var_dir, "check")
    assert not (var_dir / "pgdata" / "postmaster.pid").exists()
    assert not (var_dir / "pgdata" / "PG_VERSION").exists()  # not even initdb ran


def test_status_and_stop_tell_the_truth_and_start_nothing(var_dir):
    pgdata = var_dir / "pgdata"
    assert _manage(var_dir, "dbserver", "status") == "stopped"
    assert _manage(var_dir, "dbserver", "stop") == "was not running"
    assert dbserver.status(pgdata) == "stopped"

    assert "running" in _manage(var_dir, "dbserver", "start")
    assert _manage(var_dir, "dbserver", "status").startswith("running (pid ")
    assert _manage(var_dir, "dbserver", "stop") == "stopped"
    assert _manage(var_dir, "dbserver", "status") == "stopped"


def test_the_first_connection_starts_the_server_lazily(var_dir):
    pgdata = var_dir / "pgdata"
    out = _manage(
        var_dir,
        "shell",
        "-c",
        "from django.db import connection; connection.ensure_connection(); print(connection.vendor)",
    )
    assert out.splitlines()[-1] == "postgresql"
    assert dbserver.status(pgdata).startswith("running")
