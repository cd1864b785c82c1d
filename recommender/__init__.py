"""Moodmix's Django project package and product app (playlists, listener profiles, partner API)."""

from recommender.celery import app as celery_app

__all__ = ["celery_app"]
