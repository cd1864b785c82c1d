from django.apps import AppConfig


class SubsonicConfig(AppConfig):
    name = "recommender.subsonic"
    label = "subsonic"
    verbose_name = "Subsonic API"
