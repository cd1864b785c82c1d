from django.apps import AppConfig


class ExploreConfig(AppConfig):
    name = "recommender.explore"
    label = "explore"
    verbose_name = "Explore (words, music map)"

    def ready(self) -> None:
        # Connects the signal that schedules a map refresh when an embedding is written.
        from recommender.explore import tasks  # noqa: F401
