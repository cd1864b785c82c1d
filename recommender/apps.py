from django.apps import AppConfig


class RecommenderConfig(AppConfig):
    name = "recommender"
    verbose_name = "Recommender"

    def ready(self) -> None:
        from recommender import signals  # noqa: F401  (connects the score-table and similarity-index receivers)
