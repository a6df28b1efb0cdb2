"""/maillage/: the mesh analysis page."""

from django.urls import path

from . import views

app_name = "analysis"

urlpatterns = [
    path("", views.page, name="page"),
]
