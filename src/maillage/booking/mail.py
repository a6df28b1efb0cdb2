"""E-mails of a booking's life, each with its iCalendar invitation attached.

Templates: ``booking/email/<step>_subject.txt`` and ``<step>_body.txt``.
Sent after the transaction commits; a mail server failure is logged, never
loses a decision (as ``accounts.mail``).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from maillage.core.mail import absolute, site_url

from . import ical
from .models import Booking

logger = logging.getLogger(__name__)


def host_addresses(booking: Booking) -> list[str]:
    place = booking.resource.place
    addresses = [u.email for u in place.hosts.all() if u.email and u.is_active]
    return addresses or ([place.email] if place.email else [])


def send(booking: Booking, step: str, to: list[str]) -> bool:
    recipients = sorted({a for a in to if a})
    if not recipients:
        return False
    context = {
        "booking": booking,
        "resource": booking.resource,
        "place": booking.resource.place,
        "site_url": site_url(),
        "network_name": settings.MAILLAGE_NETWORK_NAME,
        "my_bookings_url": absolute(reverse("booking:mine")),
        "calendar_url": absolute(
            reverse("booking:host_calendar", args=[booking.resource.place.slug])
        ),
    }
    subject = " ".join(render_to_string(f"booking/email/{step}_subject.txt", context).split())
    body = render_to_string(f"booking/email/{step}_body.txt", context)
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    payload, method = ical.invitation(booking)
    message.attach("reservation.ics", payload, f"text/calendar; method={method}; charset=utf-8")
    try:
        return message.send() == 1
    except OSError:
        logger.exception("Could not send booking %s e-mail (%s)", booking.pk, step)
        return False
