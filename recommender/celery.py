"""The Celery application: queues, routes and the reliability defaults every Moodmix task shares.

- JSON only (no pickle: safe, and no C_FORCE_ROOT needed when workers run as root).
- ``acks_late`` + prefetch 1: a message is acknowledged only after its task finished, so a worker killed
  mid-task leaves the message to be redelivered; tasks are written to be idempotent for that reason.
- Three queues: ``analysis`` (decode + models, CPU/GPU heavy), ``index`` (vector index rebuilds) and
  ``default``; routes by task name so callers never pick queues by hand.
- A worker refuses to start on another broker than the one the web process recorded
  (``recommender.broker``): its tasks would otherwise wait where no worker reads.
"""

import os

from celery import Celery, signals
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recommender.settings")

app = Celery("moodmix")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_default_queue="default",
    task_queues=[Queue("analysis"), Queue("index"), Queue("default")],
    task_routes={
        "catalog.analyze_track": {"queue": "analysis"},
        "catalog.analyze_tracks": {"queue": "analysis"},
        "catalog.rebuild_index": {"queue": "index"},
        "catalog.*": {"queue": "default"},
    },
    task_ignore_result=True,
    # Periodic tasks (run by `celery beat`, which the demo and `make serve` start): the stuck-track sweep,
    # and the similarity index rebuild (or verification when unchanged; see recommender/tasks.py).
    beat_schedule={
        "sweep-stuck-tracks": {"task": "catalog.sweep_stuck_tracks", "schedule": 60.0},
        "rebuild-similarity-index": {"task": "catalog.rebuild_index", "schedule": 30 * 60.0},
    },
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
)
app.autodiscover_tasks()


@signals.worker_init.connect
def _refuse_another_broker(sender=None, **kwargs) -> None:
    from django.conf import settings

    from recommender import broker

    broker.refuse_mismatch(app.conf.broker_url, settings.BROKER_RECORD)
