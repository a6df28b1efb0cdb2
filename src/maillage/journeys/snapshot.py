"""The engine's input from the database: published places as :class:`PlaceData`,
and events from optional providers.

A provider is a callable ``(start, end) -> Iterable[EventData]`` named by its
dotted path in the ``MAILLAGE_JOURNEY_EVENT_PROVIDERS`` setting (the events
capability registers its own there); journeys imports no other app for it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.utils.module_loading import import_string

from maillage.places import hours
from maillage.places.models import Closure, MobileStop, Place, PlaceFunction

from .engine import EventData, Offer, PlaceData, Stop


def load_places() -> list[PlaceData]:
    """Every published place, in four queries."""
    offers = defaultdict(list)
    for place_id, slug, own, audiences in (
        PlaceFunction.objects.filter(place__status=Place.Status.PUBLISHED)
        .order_by("place_id", "function__slug")
        .values_list("place_id", "function__slug", "opening_hours", "audiences")
    ):
        offers[place_id].append(Offer(slug, own or "", tuple(audiences or ())))
    closures = defaultdict(list)
    for place_id, start, end in Closure.objects.order_by("start_date").values_list(
        "place_id", "start_date", "end_date"
    ):
        closures[place_id].append(hours.DateRange(start, end))
    stops = defaultdict(list)
    for place_id, code, name, spot, lat, lon, clat, clon, expr in (
        MobileStop.objects.filter(place__is_mobile=True, place__status=Place.Status.PUBLISHED)
        .order_by("place_id", "commune_id", "spot")
        .values_list(
            "place_id",
            "commune_id",
            "commune__name",
            "spot",
            "latitude",
            "longitude",
            "commune__centroid_lat",
            "commune__centroid_lon",
            "opening_hours",
        )
    ):
        lat, lon = (lat, lon) if lat is not None and lon is not None else (clat, clon)
        if lat is not None and lon is not None:
            stops[place_id].append(Stop(code, name, spot, lat, lon, expr))
    places = []
    for row in (
        Place.objects.published()
        .order_by("id")
        .values(
            "id",
            "name",
            "slug",
            "type",
            "latitude",
            "longitude",
            "opening_hours",
            "commune_id",
            "commune__name",
            "wheelchair",
            "is_mobile",
        )
    ):
        pid = row["id"]
        places.append(
            PlaceData(
                id=pid,
                name=row["name"],
                type=row["type"],
                lat=row["latitude"],
                lon=row["longitude"],
                hours=row["opening_hours"],
                offers=tuple(offers.get(pid, ())),
                commune=row["commune_id"] or "",
                commune_name=row["commune__name"] or "",
                wheelchair=row["wheelchair"],
                closures=tuple(closures.get(pid, ())),
                is_mobile=row["is_mobile"],
                stops=tuple(stops.get(pid, ())),
                url=f"/lieux/{row['slug']}/",
            )
        )
    return places


def load_events(start: dt.datetime, end: dt.datetime) -> list[EventData]:
    """Events from the providers of ``MAILLAGE_JOURNEY_EVENT_PROVIDERS`` (none by default)."""
    found: list[EventData] = []
    for path in getattr(settings, "MAILLAGE_JOURNEY_EVENT_PROVIDERS", ()):
        found.extend(import_string(path)(start, end))
    return found
