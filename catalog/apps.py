from django.apps import AppConfig


class CatalogConfig(AppConfig):
    """The catalogue app: what the catalogue holds and how audio gets into it."""

    name = "catalog"
    verbose_name = "Catalogue"

    def ready(self) -> None:
        from catalog.services import (
            blobs,  # noqa: F401  (deletes a stored file with its last track)
            predictions,  # noqa: F401  (registers the "model" analysis step)
        )
