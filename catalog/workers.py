"""Worker process set-up for analysis: threads sized from the worker's concurrency, the bundle warm.

Celery sends ``worker_init`` once in the main worker process (it knows ``--concurrency``) and
``worker_process_init`` in every pool process (each prefork child, or the main process itself with
``--pool=solo``). Each analysis process then gets ``cores // concurrency`` threads for torch, BLAS/OpenMP
and numba (``ml.inference.threads``), or ``$MOODMIX_ANALYSIS_THREADS`` when set: N processes on N cores
never run more than N busy threads. The bundle is loaded once per process, before the first task, so the
first track does not pay for it (``catalog.bundles.current_bundle`` keeps it).
"""

from __future__ import annotations

import logging

from celery.signals import worker_init, worker_process_init

from ml.inference.threads import configure_threads, threads_per_process

__all__ = ["set_up_analysis_process"]

logger = logging.getLogger(__name__)

_concurrency = 1


@worker_init.connect
def _remember_concurrency(sender=None, **kwargs) -> None:
    """Keep the worker's concurrency for its pool processes (prefork children inherit this module)."""
    global _concurrency
    pool = str(getattr(sender, "pool_cls", "")).lower()
    # The solo pool runs one task at a time in the main process, whatever --concurrency says.
    _concurrency = 1 if "solo" in pool else int(getattr(sender, "concurrency", 1) or 1)


@worker_process_init.connect
def set_up_analysis_process(**kwargs) -> None:
    """Size every thread pool of this process and load the current bundle."""
    threads = configure_threads(threads_per_process(_concurrency))
    from catalog.bundles import current_bundle

    try:
        bundle = current_bundle()
    except Exception:  # a broken bundle must not stop the worker: each task reports it on its track
        logger.exception("could not preload the model bundle")
        bundle = None
    logger.info(
        "analysis process ready: %d thread(s) for a concurrency of %d, bundle %s",
        threads,
        _concurrency,
        bundle.version if bundle is not None else "none",
    )
