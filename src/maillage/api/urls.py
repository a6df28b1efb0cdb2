from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import views

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("places/", views.PlaceList.as_view(), name="places"),
    path("places/<int:pk>/", views.PlaceDetail.as_view(), name="place"),
    path("places.geojson", views.PlacesGeoJSON.as_view(), name="places-geojson"),
    path("places.csv", views.PlacesCSV.as_view(), name="places-csv"),
    path("communes/", views.CommuneList.as_view(), name="communes"),
    path("communes.geojson", views.CommuneGeoJSON.as_view(), name="communes-geojson"),
    path("functions/", views.FunctionList.as_view(), name="functions"),
    path(
        "exports/data-inclusion/structures.json",
        views.DataInclusionStructures.as_view(),
        name="export-data-inclusion-structures",
    ),
    path(
        "exports/data-inclusion/services.json",
        views.DataInclusionServices.as_view(),
        name="export-data-inclusion-services",
    ),
    path("exports/mednum.json", views.Mednum.as_view(), name="export-mednum"),
    path("exports/mednum.csv", views.MednumCSV.as_view(), name="export-mednum-csv"),
]
