from django.urls import path

from recommender.explore import views_words

app_name = "explore"

urlpatterns = [
    path("words/read.json", views_words.read_words_json, name="read-words"),
]
