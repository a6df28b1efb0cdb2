"""/trouver-mon-lieu/: the public wizard."""

from django.urls import path

from . import views

app_name = "journeys"

urlpatterns = [
    path("", views.wizard, name="wizard"),
]
