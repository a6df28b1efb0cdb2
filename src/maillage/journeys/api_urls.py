"""/api/orientation/ and /api/referrals/flows/ (included after maillage.api's urls)."""

from django.urls import path

from . import api

app_name = "journeys-api"

urlpatterns = [
    path("orientation/", api.OrientationView.as_view(), name="orientation"),
    path("referrals/flows/", api.ReferralFlowsView.as_view(), name="referral-flows"),
]
