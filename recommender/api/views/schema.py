"""The OpenAPI document and its interactive docs, served from drf-spectacular-sidecar's local files.

Both docs pages run under a Content-Security-Policy without inline scripts (recommender/security.py):
Swagger UI uses the *split* view, which serves its start-up script as a separate URL instead of an inline
<script>; Redoc (no inline script without REDOC_UI_SETTINGS) gets a per-view policy that also allows the
blob: worker and run-time styles its bundle creates.
"""

from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from recommender.security import REDOC_POLICY, csp_override

__all__ = ["SchemaView", "RedocView", "SwaggerView"]

SchemaView = SpectacularAPIView
SwaggerView = SpectacularSwaggerSplitView


@method_decorator(csp_override(REDOC_POLICY), name="dispatch")
class RedocView(SpectacularRedocView):
    pass
