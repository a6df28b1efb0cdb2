"""/maillage/: the mesh analysis page."""

from django.urls import path

from . import views

app_name = "analysis"

urlpatterns = [
    path("", views.page, name="page"),
    path("rapport.pdf", views.report, {"fmt": "pdf"}, name="report-pdf"),
    path("rapport.png", views.report, {"fmt": "png"}, name="report-png"),
]
