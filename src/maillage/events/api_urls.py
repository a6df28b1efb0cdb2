"""/api/events/... (included after maillage.api's urls)."""

from django.urls import path

from . import api

app_name = "events-api"

urlpatterns = [
    path("events/", api.OccurrenceListView.as_view(), name="occurrences"),
    path("events/<slug:slug>/", api.EventDetailView.as_view(), name="event"),
    path(
        "events/occurrences/<int:pk>/registrations/",
        api.RegistrationView.as_view(),
        name="registrations",
    ),
]
