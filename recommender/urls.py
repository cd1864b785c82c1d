from django.contrib import admin
from django.urls import include, path

from recommender.health import healthz

# Uploaded audio is never served straight from MEDIA_ROOT: catalog serves it after a permission check.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("recommender.web.urls")),  # before auth: accounts/signup/ lives there
    path("accounts/", include("django.contrib.auth.urls")),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include("recommender.api.urls")),
    path("", include("recommender.subsonic.urls")),
    path("", include("recommender.explore.urls")),
    path("", include("catalog.urls")),
]

# A lost database answers 503 with a page that says so (recommender.error_pages.py); other errors stay 500.
handler500 = "recommender.error_pages.server_error"
handler400 = "recommender.error_pages.bad_request"  # an unparseable upload is explained, in JSON for the XHR
