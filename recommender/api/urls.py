"""/api/v1/ routes; recommendations, playlists and partner-managed listeners are thin views over the
playlist/profile services, with the scopes ``playlists`` and ``profiles``."""

from django.urls import path, re_path

from recommender.api.errors import api_not_found
from recommender.api.views.features import AudioFeaturesDetailView, AudioFeaturesListView
from recommender.api.views.jobs import JobDetailView, JobListView
from recommender.api.views.listeners import ListenerDetailView, ListenerEventsView, ListenerProfileView
from recommender.api.views.playlists import PlaylistDetailView, PlaylistListView, RecommendationsView
from recommender.api.views.schema import RedocView, SchemaView, SwaggerView
from recommender.api.views.taxonomy import GenreListView, MoodListView
from recommender.api.views.tracks import SimilarTracksView, TrackDetailView, TrackListView
from recommender.api.views.webhooks import WebhookDeliveriesView, WebhookDetailView, WebhookListView

app_name = "api"

urlpatterns = [
    path("tracks", TrackListView.as_view(), name="track-list"),
    path("tracks/<int:pk>", TrackDetailView.as_view(), name="track-detail"),
    path("tracks/<int:pk>/similar", SimilarTracksView.as_view(), name="track-similar"),
    path("audio-features", AudioFeaturesListView.as_view(), name="audio-features-list"),
    path("audio-features/<int:pk>", AudioFeaturesDetailView.as_view(), name="audio-features-detail"),
    path("jobs", JobListView.as_view(), name="job-list"),
    path("jobs/<uuid:job_id>", JobDetailView.as_view(), name="job-detail"),
    path("moods", MoodListView.as_view(), name="mood-list"),
    path("genres", GenreListView.as_view(), name="genre-list"),
    path("webhooks", WebhookListView.as_view(), name="webhook-list"),
    path("webhooks/<int:pk>", WebhookDetailView.as_view(), name="webhook-detail"),
    path("webhooks/<int:pk>/deliveries", WebhookDeliveriesView.as_view(), name="webhook-deliveries"),
    path("recommendations", RecommendationsView.as_view(), name="recommendations"),
    path("playlists", PlaylistListView.as_view(), name="playlist-list"),
    path("playlists/<int:pk>", PlaylistDetailView.as_view(), name="playlist-detail"),
    path("listeners/<str:external_id>", ListenerDetailView.as_view(), name="listener-detail"),
    path("listeners/<str:external_id>/events", ListenerEventsView.as_view(), name="listener-events"),
    path("listeners/<str:external_id>/profile", ListenerProfileView.as_view(), name="listener-profile"),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", RedocView.as_view(url_name="api:schema"), name="redoc"),
    re_path(r"^.*$", api_not_found),
]
