"""schema.org Event JSON-LD for an event's page (data, not script: CSP-safe)."""

from __future__ import annotations

from maillage.core.mail import absolute

from .models import Event, Occurrence
from .recurrence import PARIS

STATUS = "https://schema.org/EventScheduled"
CANCELLED = "https://schema.org/EventCancelled"
RESCHEDULED = "https://schema.org/EventRescheduled"


def _place(event: Event) -> dict:
    commune = event.commune
    address = {"@type": "PostalAddress", "addressCountry": "FR"}
    if event.stop:
        address["streetAddress"] = event.stop.spot
    elif event.place.address:
        address["streetAddress"] = event.place.address
    if commune:
        address["addressLocality"] = commune.name
        if commune.postal_codes:
            address["postalCode"] = commune.postal_codes[0]
    place = {"@type": "Place", "name": event.place.name, "address": address}
    if event.latitude is not None:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": event.latitude,
            "longitude": event.longitude,
        }
    return place


def occurrence_jsonld(event: Event, occ: Occurrence, base: str) -> dict:
    status = CANCELLED if occ.is_cancelled else RESCHEDULED if occ.is_moved else STATUS
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.description,
        "startDate": occ.start.astimezone(PARIS).isoformat(),
        "endDate": occ.end.astimezone(PARIS).isoformat(),
        "eventStatus": status,
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": _place(event),
        "url": absolute(occ.get_absolute_url(), base),
        "isAccessibleForFree": event.is_free,
        "organizer": {
            "@type": "Organization",
            "name": event.place.name,
            "url": absolute(event.place.get_absolute_url(), base),
        },
    }
    if occ.is_moved:
        data["previousStartDate"] = occ.original_start.astimezone(PARIS).isoformat()
    if not event.is_free and event.price is not None:
        data["offers"] = {
            "@type": "Offer",
            "price": str(event.price),
            "priceCurrency": "EUR",
            "url": data["url"],
        }
    if event.capacity is not None:
        data["maximumAttendeeCapacity"] = event.capacity
    return data


def event_jsonld(event: Event, occurrences, request=None) -> list[dict] | dict:
    base = request.build_absolute_uri("/") if request is not None else None
    items = [occurrence_jsonld(event, o, base) for o in occurrences]
    return items[0] if len(items) == 1 else items
