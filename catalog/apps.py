from django.apps import AppConfig


class CatalogConfig(AppConfig):
    """The catalogue app: what the catalogue holds and how audio gets into it."""

    name = "catalog"
    verbose_name = "Catalogue"

    # The model analysis step registers itself when catalog.services.analysis first needs its steps
    # (``registered_steps``): importing it here loaded torch into every web process and manage.py call.
    def ready(self) -> None:
        from catalog.services import blobs  # noqa: F401  (deletes a stored file with its last track)
