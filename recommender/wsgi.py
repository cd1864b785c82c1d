"""WSGI entry point (gunicorn, runserver). Records the broker the web serves with, so that workers started
without CELERY_BROKER_URL adopt it and a worker configured for another broker refuses to start."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recommender.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402 - after setup

from recommender import broker  # noqa: E402

broker.record_for_web(settings.CELERY_BROKER_URL, settings.BROKER_RECORD)
