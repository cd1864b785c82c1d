"""A short version of the site's load run (``benchmarks/site_load.py``): a few listeners and partners
against a real gunicorn on loopback for a few seconds, every kind of request exercised, no error."""

from __future__ import annotations

import pytest

from benchmarks.api_load import free_port, seed_catalogue, start_gunicorn, stop_gunicorn
from benchmarks.site_load import KINDS, LoadPlan, run_load, seed_listeners
from catalog.services.taxonomy import load_taxonomy

pytestmark = pytest.mark.slow

PLAN = LoadPlan(users=6, partner_share=1 / 3, processes=2, think_s=0.2, warmup_s=3, duration_s=8, workers=1)


def test_mixed_load_on_gunicorn_answers_every_request(transactional_db, monkeypatch, tmp_path):
    from django.db import connection

    load_taxonomy()  # an earlier transactional test's flush empties it; the mix form needs the families
    ids, key = seed_catalogue(300)
    listeners = seed_listeners(PLAN.users)
    monkeypatch.setenv("MOODMIX_DATABASE_NAME", connection.settings_dict["NAME"])
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    port = free_port()
    server = start_gunicorn(port, PLAN.workers, PLAN.threads, tmp_path / "gunicorn.log", keepalive=30)
    try:
        report = run_load(PLAN, port, ids, key, listeners)
    finally:
        stop_gunicorn(server)

    assert report["overall"]["errors"] == 0, report["error_samples"]
    assert report["logins"]["requests"] == 2 * report["listeners"] == 8  # the login page, then its form
    assert report["logins"]["errors"] == 0, report["error_samples"]
    missing = [kind for kind in KINDS[1:] if report["kinds"][kind]["requests"] == 0]
    assert not missing, f"kinds never requested: {missing}"
