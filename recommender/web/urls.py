from django.urls import path

from recommender.web import views

app_name = "recommender"

urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path("mix/", views.mix, name="mix"),
    path("mix/seeds.json", views.seed_search, name="seed-search"),
    path("mix/words.json", views.mix_words, name="mix-words"),
    path("playlists/", views.playlist_list, name="playlists"),
    path("playlists/<int:pk>/", views.playlist_detail, name="playlist"),
    path("playlists/<int:pk>/rename", views.playlist_rename, name="playlist-rename"),
    path("playlists/<int:pk>/delete", views.playlist_delete, name="playlist-delete"),
    path("signals", views.signal, name="signal"),
    path("profile/", views.profile, name="profile"),
    path("profile/export.json", views.profile_export, name="profile-export"),
    path("profile/delete", views.profile_delete, name="profile-delete"),
]
