from django.urls import path, re_path

from recommender.subsonic import views

app_name = "subsonic"

urlpatterns = [
    # Clients call /rest/<method>.view (Subsonic's form) or /rest/<method> (newer ones); both work.
    re_path(r"^rest/(?P<method>[A-Za-z0-9]+?)(?:\.view)?/?$", views.api, name="api"),
    path("settings/subsonic/", views.settings_page, name="settings"),
]
