"""/trouver-mon-lieu/: the public wizard, referrals between places, mutual help."""

from django.urls import path

from . import views

app_name = "journeys"

urlpatterns = [
    path("", views.wizard, name="wizard"),
    path("orientations/", views.referrals, name="referrals"),
    path("orientations/<int:pk>/suivie/", views.referral_followed_up, name="referral-followed-up"),
    path("orientations/reseau/", views.referral_network, name="referral-network"),
    path("entraide/", views.mutual_help, name="mutual-help"),
]
