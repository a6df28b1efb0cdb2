"""E-mails of a booking's life, each with its iCalendar invitation attached.

Templates: ``booking/email/<step>_subject.txt`` and ``<step>_body.txt``.
Queued through ``maillage.core.mail`` in the transaction of the decision: one
message per recipient (the booker and each host apart: nobody sees another's
address), sent by the worker.
"""

from __future__ import annotations

from django.urls import reverse

from maillage.core import mail

from . import ical
from .models import Booking


def host_addresses(booking: Booking) -> list[str]:
    place = booking.resource.place
    # Only the addresses: no host's whole account is loaded for a booking.
    addresses = list(
        place.hosts.filter(is_active=True).exclude(email="").values_list("email", flat=True)
    )
    return addresses or ([place.email] if place.email else [])


def send(booking: Booking, step: str, to: list[str]) -> int:
    """Queue ``step``'s message to each address in ``to``; returns how many were queued."""
    context = {
        "booking": booking,
        "resource": booking.resource,
        "place": booking.resource.place,
        "my_bookings_url": mail.absolute(reverse("booking:mine")),
        "calendar_url": mail.absolute(
            reverse("booking:host_calendar", args=[booking.resource.place.slug])
        ),
    }
    payload, method = ical.invitation(booking)
    return len(
        mail.enqueue(
            to,
            f"booking/email/{step}",
            context,
            attachments=[
                ("reservation.ics", payload, f"text/calendar; method={method}; charset=utf-8")
            ],
        )
    )
