"""The embedded PostgreSQL starts with pgvector, survives a stale pid file, and stops on request."""

import psycopg
import pytest

from recommender import dbserver

pytestmark = pytest.mark.slow  # initdb of a fresh cluster takes a few seconds


@pytest.fixture
def data_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("pg")
    yield path
    dbserver.stop(path)


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
