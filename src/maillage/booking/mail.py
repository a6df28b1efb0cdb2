"""E-mails of a booking's life, each with its iCalendar invitation attached.

Templates: ``booking/email/<step>_subject.txt`` and ``<step>_body.txt``.
Queued through ``maillage.core.mail`` in the transaction of the decision: one
message per recipient (the booker and each host apart: nobody sees another's
address), sent by the worker.
"""

from __future__ import annotations

from django.urls import reverse

from maillage.core import clock, mail

from . import ical
from .models import Booking


def host_addresses(booking: Booking) -> list[str]:
    place = booking.resource.place
    # Only the addresses: no host's whole account is loaded for a booking.
    addresses = list(
        place.hosts.filter(is_active=True).exclude(email="").values_list("email", flat=True)
    )
    return addresses or ([place.email] if place.email else [])


def _attachment(booking: Booking, filename: str) -> tuple[str, bytes, str]:
    payload, method = ical.invitation(booking)
    return (filename, payload, f"text/calendar; method={method}; charset=utf-8")


def send(
    booking: Booking,
    step: str,
    to: list[str],
    *,
    together=(),
    hosts: list[str] = (),
) -> int:
    """Queue ``step``'s message to each address in ``to`` (the person who booked) and
    in ``hosts`` (the place's hosts, in words written for them: « Ana Martin demande à
    réserver… », with where to decide); returns how many were queued.

    ``together``: the bookings of one request (several days, a series): one
    message lists them all, with one invitation per day (an invitation is one
    event: RFC 5546 keeps one UID per scheduling message).
    """
    if not to and not hosts:
        return 0
    bookings = list(together) if len(together) > 1 else []
    if bookings:
        attachments = [
            _attachment(b, f"reservation-{b.start.astimezone(clock.PARIS):%Y-%m-%d-%H%M}.ics")
            for b in bookings
        ]
    else:
        attachments = [_attachment(booking, "reservation.ics")]
    context = {
        "booker": str(booking.user) if booking.user_id else "",
        "booking": booking,
        "bookings": bookings,
        "resource": booking.resource,
        "place": booking.resource.place,
        "my_bookings_url": mail.absolute(reverse("booking:mine")),
        "account_url": mail.absolute(reverse("accounts:account")),
        "calendar_url": mail.absolute(
            reverse("booking:host_calendar", args=[booking.resource.place.slug])
        ),
    }
    queued = 0
    for addresses, for_host in ((to, False), (hosts, True)):
        if addresses:
            queued += len(
                mail.enqueue(
                    list(addresses),
                    f"booking/email/{step}",
                    {**context, "for_host": for_host},
                    attachments=attachments,
                )
            )
    return queued
