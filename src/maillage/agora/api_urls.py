"""/api/agora/... (included beside the other apps' API modules)."""

from django.urls import path

from . import api

app_name = "agora-api"

urlpatterns = [
    path("agora/ideas/", api.IdeaListView.as_view(), name="ideas"),
    path("agora/ideas/<int:pk>/", api.IdeaDetailView.as_view(), name="idea"),
    path("agora/ideas/<int:pk>/support/", api.SupportView.as_view(), name="support"),
]
