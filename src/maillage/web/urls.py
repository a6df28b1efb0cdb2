from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("lieux/<slug:slug>/", views.place, name="place"),
    path("communes/<str:code>/", views.commune, name="commune"),
    path("pictogrammes/", views.legend, name="legend"),
    path("pictogrammes/couleurs.css", views.family_colours, name="family-colours"),
    path("charte/", views.charter, name="charter"),
    path("tuiles/<slug:name>.pmtiles", views.tiles, name="tiles"),
]
