"""Run one worker test on each broker Moodmix supports: Redis and kombu's filesystem transport.

``each_broker`` is a parametrized fixture: on "redis" it keeps the test settings' Redis (skipping where
the suite runs without one); on "filesystem" it points this test process's Celery app and, through the
environment, every worker the test starts at a fresh filesystem-transport folder. List it *before* the
worker fixture in a test's arguments, so the worker's environment is copied after it is set.
"""

from __future__ import annotations

import pytest


def _reset_connections(app) -> None:
    # The app caches its connection pool, and kombu keeps process-wide pools keyed by broker URL (not by
    # transport options): close and forget all of them, so the next send builds one for the new broker.
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture(params=["redis", "filesystem"])
def each_broker(request, monkeypatch, tmp_path):
    from recommender.celery import app

    if request.param == "redis":
        if not str(app.conf.broker_url).startswith("redis://"):
            pytest.skip("no Redis broker in this run (set MOODMIX_TEST_REDIS_URL)")
        yield app.conf.broker_url
        return
    # Read before CELERY_BROKER_URL is set below: Celery's conf answers the environment variable first.
    saved = (app.conf.broker_url, app.conf.broker_transport_options)
    folder = tmp_path / "fs-broker"
    for sub in ("queue", "processed"):
        (folder / sub).mkdir(parents=True)
    options = {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        "control_folder": str(folder / "control"),  # kombu's default is ./control, in the checkout
        "polling_interval": 0.05,
    }
    monkeypatch.setenv("CELERY_BROKER_URL", "filesystem://")
    monkeypatch.setenv("MOODMIX_BROKER_DIR", str(folder))
    monkeypatch.setenv("MOODMIX_BROKER_RECORD", "")
    app.conf.broker_url, app.conf.broker_transport_options = "filesystem://", options
    _reset_connections(app)
    try:
        yield "filesystem://"
    finally:
        app.conf.broker_url, app.conf.broker_transport_options = saved
        _reset_connections(app)
