from django.urls import path

from recommender.explore import views_map, views_words

app_name = "explore"

urlpatterns = [
    path("words/read.json", views_words.read_words_json, name="read-words"),
    path("map/", views_map.map_page, name="map"),
    path("map/points.json", views_map.map_points, name="map-points"),
    path("map/region.json", views_map.map_region, name="map-region"),
]
