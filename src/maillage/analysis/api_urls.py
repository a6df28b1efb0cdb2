"""/api/coverage/ and /api/recommendations/ (included after maillage.api's urls)."""

from django.urls import path

from . import api

app_name = "analysis-api"

urlpatterns = [
    path("coverage/", api.CoverageView.as_view(), name="coverage"),
    path("recommendations/", api.RecommendationView.as_view(), name="recommendations"),
]
