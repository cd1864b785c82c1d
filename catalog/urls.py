from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.track_list, name="track-list"),
    path("tracks/<int:pk>/", views.track_detail, name="track-detail"),
    path("tracks/<int:pk>/audio", views.track_audio, name="track-audio"),
    path("tracks/<int:pk>/sharing", views.track_sharing, name="track-sharing"),
    path("tracks/status.json", views.track_status, name="track-status"),
    path("upload/", views.upload, name="upload"),
]
