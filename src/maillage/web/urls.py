from django.urls import path

from . import views
from .views import widgets

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("lieux/<slug:slug>/", views.place, name="place"),
    path("lieux/<slug:slug>/integrer/", widgets.embed, name="embed"),
    path("widgets/lieux/<slug:slug>/horaires/", widgets.hours, name="widget-hours"),
    path("widgets/lieux/<slug:slug>/carte/", widgets.network_map, name="widget-map"),
    path("communes/<str:code>/", views.commune, name="commune"),
    path("pictogrammes/", views.legend, name="legend"),
    path("pictogrammes/couleurs.css", views.family_colours, name="family-colours"),
    path("charte/", views.charter, name="charter"),
    # Browsers ask for /favicon.ico where a page names no icon (a PDF, a feed, a 404).
    path("favicon.ico", views.favicon, name="favicon"),
    path("tuiles/<slug:name>.pmtiles", views.tiles, name="tiles"),
]
