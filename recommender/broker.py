"""Which Celery broker this instance uses, decided once so the web server and every worker agree.

Before, each process probed Redis for 0.3 s at import and fell back to the filesystem transport on its own,
so a busy moment could send the web server and a worker to different brokers, with tasks waiting where no
worker reads. Now the choice is, in order:

1. ``CELERY_BROKER_URL`` when set (explicit);
2. the URL recorded in the broker record (``var/broker-url``) by the first process that started;
3. otherwise a probe: ``REDIS_URL`` when it answers, else ``filesystem://``, recorded for every later
   process (delete the record, or set ``CELERY_BROKER_URL``, to choose again).

The web process records the URL it serves with (:func:`record_for_web`), and a worker whose URL differs
from the record refuses to start (:func:`refuse_mismatch`). Pure Python: the settings import this module.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse, urlunparse

__all__ = ["BrokerChoice", "BrokerMismatch", "decide", "masked", "record_for_web", "refuse_mismatch"]

PROBE_TIMEOUT_S = 0.3


class BrokerMismatch(SystemExit):
    """A worker configured for another broker than the one the web process records (exits the worker)."""


@dataclass(frozen=True)
class BrokerChoice:
    """The broker URL and why it was chosen (shown on /healthz)."""

    url: str
    source: str


def decide(explicit: str | None, redis_url: str, record: Path | None) -> BrokerChoice:
    """The broker for this process; ``record`` None disables recording (each process probes)."""
    if explicit:
        return BrokerChoice(explicit, "CELERY_BROKER_URL")
    recorded = _read(record)
    if recorded:
        return BrokerChoice(recorded, f"recorded in {record}")
    probed = redis_url if _reachable(redis_url) else "filesystem://"
    if record is None:
        return BrokerChoice(probed, "probed (not recorded)")
    # Two processes starting together: the first record written wins, the other adopts it.
    return BrokerChoice(_record_first(record, probed), f"probed at first start, recorded in {record}")


def record_for_web(url: str, record: Path | None) -> None:
    """The web process is the authority: workers started later without CELERY_BROKER_URL adopt this."""
    if record is None or _read(record) == url:
        return
    record.parent.mkdir(parents=True, exist_ok=True)
    tmp = record.with_name(f".{record.name}.{os.getpid()}")
    tmp.write_text(url + "\n")
    tmp.replace(record)


def refuse_mismatch(url: str, record: Path | None) -> None:
    """Raise BrokerMismatch when the web records another broker than ``url`` (the worker's)."""
    recorded = _read(record)
    if recorded and recorded != url:
        raise BrokerMismatch(
            f"Refusing to start: this worker's broker is {masked(url)} but the web process uses "
            f"{masked(recorded)} (recorded in {record}). Tasks sent by the web would never reach this "
            "worker. Start it with the same CELERY_BROKER_URL, or unset it to adopt the recorded one."
        )


def masked(url: str) -> str:
    """The URL without its password, fit for a health page or a log."""
    parsed = urlparse(url)
    if parsed.password:
        netloc = parsed.netloc.replace(f":{parsed.password}@", ":***@")
        return urlunparse(parsed._replace(netloc=netloc))
    return url


def _read(record: Path | None) -> str:
    if record is None:
        return ""
    try:
        return record.read_text().strip()
    except FileNotFoundError:
        return ""


def _record_first(record: Path, url: str) -> str:
    record.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(record, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return _read(record) or url
    with os.fdopen(fd, "w") as handle:
        handle.write(url + "\n")
    return url


def _reachable(url: str) -> bool:
    parsed = urlparse(url)
    try:
        address = (parsed.hostname or "127.0.0.1", parsed.port or 6379)
        with socket.create_connection(address, timeout=PROBE_TIMEOUT_S):
            return True
    except OSError:
        return False
