from django.apps import AppConfig


class ExploreConfig(AppConfig):
    name = "recommender.explore"
    label = "explore"
    verbose_name = "Explore (words, music map)"
