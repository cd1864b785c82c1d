"""How many threads one analysis process may use, and setting every pool to it.

A worker host runs `concurrency` analysis processes. Left alone, torch, the BLAS under numpy/scipy and
numba each start one thread per core in every process: with two processes on two cores that is four or
more busy threads fighting for two cores, and the barriers inside each parallel op wait on descheduled
threads (measured on main: predicting a 30 s file took a median 1.07 s at the defaults against 0.14 s
with one thread per process). So each process gets `cores // concurrency` threads (at least 1), or
exactly `$MOODMIX_ANALYSIS_THREADS` when it is set, and every pool is set to it:

- torch intra-op threads (`torch.set_num_threads`) and inter-op threads (only settable before the first
  parallel op; skipped quietly after it);
- the BLAS and OpenMP pools numpy, scipy and soxr call into (`threadpoolctl`, which finds them all);
- numba's pool (`numba.set_num_threads`), for any parallel numba kernel. Set first: starting numba's
  OpenMP layer (which `set_num_threads` does) resets the OpenMP thread count torch shares to one per
  core; with torch set first, this function itself would leave torch oversubscribed (tested).

`configure_threads` is what a worker process calls once at start (`catalog.workers` wires it to
Celery's `worker_process_init`); benchmarks call it with `--threads`.
"""

from __future__ import annotations

import logging
import os

__all__ = ["THREADS_ENV", "configure_threads", "threads_per_process"]

logger = logging.getLogger(__name__)

THREADS_ENV = "MOODMIX_ANALYSIS_THREADS"

# threadpoolctl's limiter must stay referenced: the limits hold for as long as it lives.
_blas_limits = None


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity, which containers and taskset narrow)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def threads_per_process(concurrency: int, cores: int | None = None) -> int:
    """Threads for each of `concurrency` processes sharing `cores` (default: this process's cores):
    `$MOODMIX_ANALYSIS_THREADS` when set, else `cores // concurrency`, never below 1, so the processes
    together never ask for more threads than there are cores."""
    override = os.environ.get(THREADS_ENV, "").strip()
    if override:
        threads = int(override)
        if threads < 1:
            raise ValueError(f"{THREADS_ENV} must be a positive integer, got {override!r}")
        return threads
    if concurrency < 1:
        raise ValueError(f"concurrency must be >= 1, got {concurrency}")
    return max(1, (cores or available_cores()) // concurrency)


def configure_threads(threads: int) -> int:
    """Set torch, BLAS/OpenMP and numba to `threads` threads in this process; returns `threads`."""
    global _blas_limits
    if threads < 1:
        raise ValueError(f"threads must be >= 1, got {threads}")
    # Order matters. Launching numba's OpenMP threading layer (which set_num_threads does) resets the
    # OpenMP thread count torch reads back to one per core: torch set first would end up oversubscribed.
    # So numba first, then the BLAS/OpenMP pools, then torch.
    try:
        import numba

        numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    except ImportError:  # numba comes with librosa; without it there is no pool to size
        pass
    import torch  # here, not at the top: the web process imports this module (via catalog.tasks) too
    from threadpoolctl import threadpool_limits

    _blas_limits = threadpool_limits(limits=threads)
    torch.set_num_threads(threads)
    try:
        torch.set_num_interop_threads(threads)
    except RuntimeError:  # already set, or parallel work already ran: the intra-op setting is what counts
        pass
    logger.info("analysis threads set to %d (torch, BLAS/OpenMP, numba)", threads)
    return threads
