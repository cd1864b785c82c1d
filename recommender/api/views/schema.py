"""The OpenAPI document and its interactive docs, served from drf-spectacular-sidecar's local files."""

from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

__all__ = ["SchemaView", "RedocView", "SwaggerView"]

SchemaView = SpectacularAPIView
SwaggerView = SpectacularSwaggerView
RedocView = SpectacularRedocView
