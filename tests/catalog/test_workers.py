"""Worker process set-up: threads sized from the worker's concurrency, the bundle loaded once."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import torch

from catalog import bundles, workers
from ml.inference.threads import THREADS_ENV


@pytest.fixture(autouse=True)
def restore_threads(monkeypatch):
    monkeypatch.delenv(THREADS_ENV, raising=False)
    monkeypatch.setattr("ml.inference.threads.available_cores", lambda: 8)
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)
    monkeypatch.setattr(workers, "_concurrency", 1)


@pytest.mark.parametrize(
    ("pool", "concurrency", "threads"),
    [("prefork", 4, 2), ("prefork", 8, 1), ("solo", 4, 8), ("threads", 2, 4)],
)
def test_each_pool_process_gets_its_share_of_the_cores(monkeypatch, pool, concurrency, threads):
    monkeypatch.setattr(bundles, "current_bundle", lambda: None)
    workers._remember_concurrency(sender=SimpleNamespace(pool_cls=pool, concurrency=concurrency))
    workers.set_up_analysis_process()
    assert torch.get_num_threads() == threads


def test_the_setting_wins_and_the_bundle_is_loaded_at_process_start(monkeypatch):
    loaded = []
    monkeypatch.setattr(bundles, "current_bundle", lambda: loaded.append(1))
    monkeypatch.setenv(THREADS_ENV, "3")
    workers._remember_concurrency(sender=SimpleNamespace(pool_cls="prefork", concurrency=2))
    workers.set_up_analysis_process()
    assert torch.get_num_threads() == 3
    assert loaded == [1]
