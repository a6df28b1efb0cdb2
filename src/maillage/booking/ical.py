"""iCalendar (RFC 5545): invitations attached to e-mails and calendar feeds.

Private feeds (a person's bookings, a resource's bookings for its hosts) name
the resource, the place and the person; public feeds say only "busy".
Cancelled, declined and released bookings stay in feeds as STATUS:CANCELLED,
so calendars that subscribed remove them instead of keeping stale events.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import icalendar

from maillage.core import clock

from .models import HOLDING, Booking, Status

PRODID = "-//Maillage//Reservations//FR"


def _status(booking: Booking) -> str:
    if booking.status == Status.CONFIRMED:
        return "CONFIRMED"
    if booking.status == Status.PENDING:
        return "TENTATIVE"
    return "CANCELLED"


def event(booking: Booking, *, private: bool = True, organizer: str = "") -> icalendar.Event:
    ev = icalendar.Event()
    ev.add("uid", f"{booking.uid}@maillage")
    ev.add("dtstamp", booking.updated_at or clock.now())
    ev.add("dtstart", booking.start.astimezone(dt.UTC))
    ev.add("dtend", booking.end.astimezone(dt.UTC))
    ev.add("sequence", booking.sequence)
    ev.add("status", _status(booking))
    ev.add("transp", "OPAQUE" if booking.status in HOLDING else "TRANSPARENT")
    if private:
        resource = booking.resource
        ev.add("summary", f"{resource.name} · {resource.place.name}")
        location = ", ".join(
            p for p in (resource.place.address, getattr(resource.place.commune, "name", "")) if p
        )
        if location:
            ev.add("location", location)
        description = [booking.purpose, booking.reason]
        ev.add("description", "\n".join(d for d in description if d))
        if organizer:
            ev.add("organizer", f"mailto:{organizer}")
        if booking.user_id and booking.user.email:
            attendee = icalendar.vCalAddress(f"mailto:{booking.user.email}")
            attendee.params["PARTSTAT"] = icalendar.vText(
                "ACCEPTED" if booking.status == Status.CONFIRMED else "TENTATIVE"
            )
            ev.add("attendee", attendee, encode=0)
    else:
        ev.add("summary", "Occupé")
        ev.add("class", "PRIVATE")
    return ev


def calendar(
    bookings: Iterable[Booking], *, private: bool = True, method: str | None = None, name: str = ""
) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    for booking in bookings:
        cal.add_component(event(booking, private=private))
    return cal.to_ical()


def invitation(booking: Booking) -> tuple[bytes, str]:
    """The .ics attached to a booking's e-mail, and its METHOD."""
    method = "REQUEST" if booking.status in HOLDING else "CANCEL"
    return calendar([booking], method=method), method
