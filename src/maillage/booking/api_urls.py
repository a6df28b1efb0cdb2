from django.urls import path

from . import api

urlpatterns = [
    path("resources/", api.ResourceSearchView.as_view(), name="booking-resources"),
    path("availability/", api.AvailabilityView.as_view(), name="booking-availability"),
    path("bookings/", api.BookingListView.as_view(), name="booking-list"),
    *[
        path(
            f"bookings/<int:pk>/{action}/",
            api.BookingActionView.as_view(action=action),
            name=f"booking-{action}",
        )
        for action in ("cancel", "approve", "decline", "checkin")
    ],
]
