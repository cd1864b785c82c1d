from django.apps import AppConfig


class ApiConfig(AppConfig):
    """Partner REST API v1: partners, API keys, jobs, webhooks and the /api/v1/ endpoints."""

    name = "recommender.api"
    label = "api"
    verbose_name = "Partner API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from recommender.api import receivers  # noqa: F401  (connects catalog.signals.analysis_finished)
